// Renders API Gateway mapping templates with Apache Velocity, the template engine API Gateway
// runs them with, over small stand-ins for the variables they use:
//   $input.params(name)    the path parameter `name` ("" when absent)
//   $input.json('$')       the request body's JSON text
//   $input.path('$.errorMessage')  the Lambda error's errorMessage
//   $util.escapeJavaScript(text)   Apache Commons Lang 2's StringEscapeUtils.escapeJavaScript,
//                                  the escaping the mapping template reference describes
//   $context.requestId     API Gateway's request id
// Unknown references are errors (Velocity's strict mode), not text left in the output.
//
//   java -cp <velocity, commons-collections and commons-lang 2 jars> VelocityTemplates.java CASES
//
// CASES holds one case a line: base64 (of UTF-8) fields separated by a space: the template,
// the body, the errorMessage, the request id, then the path parameters as name and value
// fields. Prints one line a case: `ok ` and the rendered text in base64, or `error ` and why
// in base64. Exit status 2 when CASES cannot be read.

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.lang.StringEscapeUtils;
import org.apache.velocity.VelocityContext;
import org.apache.velocity.app.VelocityEngine;

public class VelocityTemplates {
    public static final class Util {
        public String escapeJavaScript(String text) {
            return StringEscapeUtils.escapeJavaScript(text);
        }
    }

    public static final class Input {
        private final String body;
        private final String errorMessage;
        private final Map<String, String> parameters;

        Input(String body, String errorMessage, Map<String, String> parameters) {
            this.body = body;
            this.errorMessage = errorMessage;
            this.parameters = parameters;
        }

        public String params(String name) {
            return parameters.getOrDefault(name, "");
        }

        public String json(String path) {
            if (!path.equals("$")) {
                throw new IllegalArgumentException("the stand-in knows only $input.json('$'), not " + path);
            }
            return body;
        }

        public Object path(String path) {
            if (!path.equals("$.errorMessage")) {
                throw new IllegalArgumentException("the stand-in knows only $input.path('$.errorMessage'), not " + path);
            }
            return errorMessage;
        }
    }

    public static void main(String[] arguments) throws Exception {
        if (arguments.length != 1) {
            System.err.println("usage: java -cp <jars> VelocityTemplates.java CASES");
            System.exit(2);
        }
        VelocityEngine engine = new VelocityEngine();
        engine.setProperty("runtime.log.logsystem.class", "org.apache.velocity.runtime.log.NullLogChute");
        engine.setProperty("runtime.references.strict", "true");
        engine.init();
        Base64.Encoder encoder = Base64.getEncoder();
        List<String> lines = Files.readAllLines(Path.of(arguments[0]), StandardCharsets.UTF_8);
        for (String line : lines) {
            String[] fields = line.split(" ", -1);
            String[] text = new String[fields.length];
            for (int i = 0; i < fields.length; i++) {
                text[i] = new String(Base64.getDecoder().decode(fields[i]), StandardCharsets.UTF_8);
            }
            Map<String, String> parameters = new HashMap<>();
            for (int i = 4; i + 1 < text.length; i += 2) {
                parameters.put(text[i], text[i + 1]);
            }
            VelocityContext context = new VelocityContext();
            context.put("input", new Input(text[1], text[2], parameters));
            context.put("util", new Util());
            context.put("context", Map.of("requestId", text[3]));
            StringWriter rendered = new StringWriter();
            String result;
            try {
                engine.evaluate(context, rendered, "mapping template", text[0]);
                result = "ok " + encoder.encodeToString(rendered.toString().getBytes(StandardCharsets.UTF_8));
            } catch (Throwable error) {
                result = "error " + encoder.encodeToString(error.toString().getBytes(StandardCharsets.UTF_8));
            }
            System.out.println(result);
        }
    }
}
