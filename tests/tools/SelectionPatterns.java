// Runs selection patterns through java.util.regex, the engine API Gateway matches them with.
//
//   java SelectionPatterns.java CASES
//
// CASES holds one line per item, each text as comma-separated hexadecimal code points:
//   set                        starts a set of patterns (those of one declared set of statuses)
//   pattern STATUS TEXT        one integration response's selection pattern
//   message EXPECTED TEXT      an errorMessage and the one status it must select (0: none, as
//                              for a successful invocation)
// A message must match, as a whole (Matcher.matches, as API Gateway requires), exactly the
// pattern of its expected status. Prints every disagreement (the first 20 in full) and exits 1
// if there is one, 2 if CASES cannot be read.

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

public class SelectionPatterns {
    record Selection(int status, Pattern pattern) {}

    public static void main(String[] arguments) throws Exception {
        if (arguments.length != 1) {
            System.err.println("usage: java SelectionPatterns.java CASES");
            System.exit(2);
        }
        List<String> lines = Files.readAllLines(Path.of(arguments[0]), StandardCharsets.UTF_8);
        List<Selection> patterns = new ArrayList<>();
        int sets = 0, messages = 0, failures = 0;
        for (String line : lines) {
            String[] fields = line.split(" ", 3);
            switch (fields[0]) {
                case "set" -> {
                    patterns = new ArrayList<>();
                    sets++;
                }
                case "pattern" -> patterns.add(
                        new Selection(Integer.parseInt(fields[1]), Pattern.compile(text(fields))));
                case "message" -> {
                    messages++;
                    int expected = Integer.parseInt(fields[1]);
                    String message = text(fields);
                    List<Integer> matched = new ArrayList<>();
                    for (Selection selection : patterns) {
                        if (selection.pattern().matcher(message).matches()) {
                            matched.add(selection.status());
                        }
                    }
                    boolean right = expected == 0
                            ? matched.isEmpty()
                            : matched.size() == 1 && matched.get(0) == expected;
                    if (!right) {
                        failures++;
                        if (failures <= 20) {
                            System.out.println("message " + quoted(message) + " matched " + matched
                                    + (expected == 0 ? ", expected none" : ", expected exactly [" + expected + "]"));
                        }
                    }
                }
                default -> {
                    System.err.println("unknown line: " + line);
                    System.exit(2);
                }
            }
        }
        System.out.println(sets + " sets of patterns, " + messages + " messages, " + failures + " disagreements");
        System.exit(failures == 0 ? 0 : 1);
    }

    static String text(String[] fields) {
        if (fields.length < 3 || fields[2].isEmpty()) {
            return "";
        }
        String[] hex = fields[2].split(",");
        int[] codePoints = new int[hex.length];
        for (int i = 0; i < hex.length; i++) {
            codePoints[i] = Integer.parseInt(hex[i], 16);
        }
        return new String(codePoints, 0, codePoints.length);
    }

    static String quoted(String text) {
        StringBuilder out = new StringBuilder("\"");
        text.codePoints().forEach(c -> {
            if (c == '"' || c == '\\') {
                out.append('\\').appendCodePoint(c);
            } else if (c < 0x20 || c > 0x7e) {
                out.append(String.format("\\u{%x}", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.append('"').toString();
    }
}
