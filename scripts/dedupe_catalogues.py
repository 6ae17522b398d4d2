"""Remove repeated entries (same msgid and context) from the es and fr catalogues, keeping the first,
and put one blank line between entries. Union merges can leave an entry twice or glue two together.
Run from a worktree root."""
from pathlib import Path


def entries(text: str):
    entry, in_str = [], False
    for line in text.splitlines():
        starts = line.startswith(("#", "msgctxt ", "msgid ")) and not line.startswith("msgid_plural")
        if (not line.strip()) or (starts and in_str):
            if entry:
                yield entry
            entry, in_str = ([] if not line.strip() else [line]), False
            continue
        if starts and entry and not in_str and not entry[-1].startswith("#") and line.startswith("#"):
            yield entry
            entry = []
        entry.append(line)
        if line.startswith("msgstr"):
            in_str = True
    if entry:
        yield entry


def key(entry):
    out, mode = [], None
    for line in entry:
        if line.startswith("msgctxt "):
            mode = "c"; out.append("C" + line[8:])
        elif line.startswith("msgid "):
            mode = "i"; out.append(line[6:])
        elif line.startswith(("msgid_plural", "msgstr")):
            mode = None
        elif line.startswith('"') and mode:
            out.append(line)
    return "".join(out) if out else None


for lang in ("es", "fr"):
    path = Path("remit/translations") / lang / "LC_MESSAGES" / "messages.po"
    seen, kept, dropped = set(), [], 0
    for index, entry in enumerate(entries(path.read_text(encoding="utf-8"))):
        k = key(entry)
        if index > 0 and k is not None and k in seen:
            dropped += 1
            continue
        seen.add(k)
        kept.append("\n".join(entry))
    path.write_text("\n\n".join(kept) + "\n", encoding="utf-8")
    print(lang, "dropped", dropped)
