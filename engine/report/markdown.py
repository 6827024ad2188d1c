"""The circular as Markdown: for review, e-mail and diffs; the DOCX is the document that is issued."""
from __future__ import annotations

from .circular import Circular

_STYLE = {"h1": "**{}**", "h2": "**{}**", "h3": "{}", "body": "{}"}


def _escape(text: str) -> str:
    """Keep names such as 'A*B' or '#1' from turning into Markdown markup."""
    for ch in "\\`*_[]#|<>":
        text = text.replace(ch, "\\" + ch)
    return text


def to_markdown(doc: Circular) -> str:
    out: list[str] = []
    organ = (doc.header or {}).get("organ")
    if organ:
        out += [f"<p align=\"center\"><b>{_escape(str(organ))}</b></p>", ""]
    if doc.number:
        out += [f"<p align=\"center\">{_escape(doc.number)}</p>", ""]
    out += [f"# {_escape(doc.title)}", ""]
    if doc.recipients:
        out += [f"{_escape(doc.recipients)}：", ""]
    for p in doc.body:
        runs = "".join(_STYLE[style].format(_escape(text)) for text, style in p.runs if text)
        out += ["### " + _escape(p.text) if p.role == "heading" else runs, ""]
    if doc.attachments:
        out += ["  \n".join(_escape(a) for a in doc.attachments), ""]
    out += [f"<p align=\"right\">{_escape(doc.signature)}<br>{_escape(doc.date)}</p>", ""]
    if doc.distribution:
        out += [_escape(doc.distribution), ""]
    for a in doc.annexes:
        out += ["---", "", f"附件{a.number or ''}", "", f"## {_escape(a.title)}", ""]
        out.append("| " + " | ".join(_escape(h) for h in a.header) + " |")
        out.append("|" + "|".join("---:" if n else "---" for n in a.numeric) + "|")
        out += ["| " + " | ".join(_escape(c) for c in row) + " |" for row in a.rows]
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"
