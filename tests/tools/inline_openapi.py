"""Renders an OpenAPI document (JSON) the ways people put it in YAML, for check-custom.sh.

    python3 inline_openapi.py yaml DOCUMENT.json
        the document as block YAML: every key an implicit key, every string double-quoted
    python3 inline_openapi.py sam TEMPLATE.yaml DOCUMENT.json yaml|flow
        the SAM template with the document inlined as its API's DefinitionBody (in place of
        its `Fn::Transform` `AWS::Include`), as block YAML or as JSON in flow style

YAML parsers refuse an implicit key of 1,024 characters or more: each rendering keeps the
document's keys implicit, so a selection pattern that long fails to parse.
"""

import json
import re
import sys


def scalar(value):
    return json.dumps(value, ensure_ascii=False)


def block(value, indent):
    """The lines of `value` as a block YAML node nested `indent` levels (two spaces each)."""
    pad = "  " * indent
    lines = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, (dict, list)) and item:
                lines.append(f"{pad}{scalar(key)}:")
                lines.extend(block(item, indent + 1))
            else:
                lines.append(f"{pad}{scalar(key)}: {scalar(item)}")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, (dict, list)) and item:
                lines.append(f"{pad}-")
                lines.extend(block(item, indent + 1))
            else:
                lines.append(f"{pad}- {scalar(item)}")
    else:
        lines.append(f"{pad}{scalar(value)}")
    return lines


INCLUDE = re.compile(
    r"^(?P<pad> *)DefinitionBody:\n(?:(?P=pad)  .*\n)*?(?P=pad) +Location: openapi\.json\n",
    re.MULTILINE,
)


def main(arguments):
    if len(arguments) == 2 and arguments[0] == "yaml":
        with open(arguments[1], encoding="utf-8") as file:
            document = json.load(file)
        print("\n".join(block(document, 0)))
        return 0
    if len(arguments) == 4 and arguments[0] == "sam" and arguments[3] in ("yaml", "flow"):
        with open(arguments[1], encoding="utf-8") as file:
            template = file.read()
        with open(arguments[2], encoding="utf-8") as file:
            document = json.load(file)
        found = INCLUDE.search(template)
        if found is None:
            print(f"{arguments[1]}: no DefinitionBody that includes openapi.json", file=sys.stderr)
            return 2
        pad = found.group("pad")
        if arguments[3] == "yaml":
            body = [f"{pad}DefinitionBody:"] + block(document, len(pad) // 2 + 1)
        else:
            body = [f"{pad}DefinitionBody: {json.dumps(document, ensure_ascii=False)}"]
        print(template[: found.start()] + "\n".join(body) + "\n" + template[found.end():], end="")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
