"""Make the student edition of the book: the chapter notebooks without their solutions, and the HTML without them.

usage (from the project root; ``make student`` runs the first form)::

    python tools/make_student.py                    # notebooks and HTML into _build/student
    python tools/make_student.py --no-html          # only _build/student/notebooks
    python tools/make_student.py --branch student   # launch buttons of the student HTML open branch "student"

What it writes
--------------
``_build/student/notebooks/*.ipynb``
    A copy of every notebook of ``notebooks/`` in which

    * every solution region of a code cell, the lines from ``### BEGIN SOLUTION`` to ``### END SOLUTION``
      (markers included), is replaced by one line ``raise NotImplementedError("Exercise N.M")``, indented like the
      ``### BEGIN SOLUTION`` line, so that the ``def`` line above a region indented inside a function body stays;
    * the outputs and execution counts of those *stub cells* are cleared, and so are those of the *check cells*:
      every code cell after a stub cell up to the next markdown cell that is not part of a gated solution
      (``{solution-start}``, the cells inside it, ``{solution-end}``), i.e. the ``check_<name>(...)`` call;
    * the markdown inside a gated solution (after ``{solution-start}``, before ``{solution-end}``, whether in
      cells of its own or in the cells of the directives) and every plain ``{solution}`` directive are replaced by
      :data:`PLACEHOLDER`: the prose solutions of the compute-by-hand exercises are solutions too;
    * stub cells get nbgrader metadata as autograded answers and check cells as locked autograder tests of 1
      point (:func:`add_nbgrader_metadata`), so that nbgrader can grade the student edition;
    * everything else (the other cells, their outputs, the cell ids and tags, the metadata) is left as it was.

    The exercise number ``N.M`` of a region is, in this order of preference,

    1. the comment ``# Exercise N.M`` on the first non-blank line of the cell (the house convention: the checks
       print the same ``Exercise N.M``, so the stub and the check's message agree);
    2. otherwise ``N`` = the number that starts the notebook's file name (``03_bilinear_2d`` -> 3) and ``M`` = the
       position, counting from 1, of the exercise the cell solves among the ``{exercise}`` directives of the
       notebook: the label named by the enclosing ``{solution-start}``, or else the last ``{exercise}`` above.

    When both exist and disagree, the comment wins and a warning names the cell (the audit reports it).

``_build/student/html``
    The book built from a temporary copy of the project in which the notebooks are the student ones and
    ``_config.yml`` is patched: ``execute_notebooks: "off"`` (executing a student notebook stops at the first stub,
    so the build shows the outputs stored in the notebooks instead), ``hide_solutions: True`` (sphinx-exercise
    drops every ``{solution}`` directive) and the title gets " (student edition)". sphinx-exercise 1.2.1 cannot
    hide *gated* solutions (with ``hide_solutions`` the ``{solution-start}`` directive returns nothing and the
    orphaned ``{solution-end}`` node crashes the HTML writer), so in the copy that is built the
    ``{solution-start}`` and ``{solution-end}`` cells and the placeholders between them are removed: the page
    shows the exercise, the stub cell (the signature to fill in) and the check. After the build every page is
    searched for the solution lines; finding one is an error.

Malformed markers (``### BEGIN SOLUTION`` without ``### END SOLUTION``, a region inside a region, an END before
its BEGIN, a line that looks like a marker but is not exactly one, a code cell inside a gated solution without any
region, unbalanced ``{solution-start}``/``{solution-end}``) stop the generator with an error naming the notebook and
the cell. Nothing in ``notebooks/`` is modified.
"""
from __future__ import annotations

import argparse
import copy
import html as html_lib
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
STUB = 'raise NotImplementedError("Exercise {}")'
PLACEHOLDER = "*Your answer. (The solution is not part of the student edition.)*"

_EXERCISE_COMMENT = re.compile(r"^#\s*Exercise\s+(\d+\.\d+)\b")
_MARKER_LIKE = re.compile(r"^#.*\b(BEGIN|END)[\s_]*SOLUTION\b", re.IGNORECASE)
_DIRECTIVE = re.compile(r"^\s*(`{3,}|:{3,})\s*\{([\w-]+)\}\s*(\S*)")
_FENCE = re.compile(r"^\s*(`{3,}|:{3,})")
_LABEL = re.compile(r"^\s*:label:\s*(\S+)", re.MULTILINE)


class MarkerError(ValueError):
    """A notebook's solution markers or gated solution directives are malformed."""


@dataclass
class Region:
    """One solution region of a source notebook."""

    cell: int  # index of the cell in the notebook, from 0
    exercise: str  # "N.M"
    indent: str  # the whitespace before "### BEGIN SOLUTION"
    lines: list[str]  # the lines strictly between the markers, as in the source


@dataclass
class Report:
    """What :func:`make_student_notebook` did to one notebook."""

    name: str
    regions: list[Region] = field(default_factory=list)
    stub_cells: list[int] = field(default_factory=list)
    check_cells: list[int] = field(default_factory=list)
    replaced_markdown: list[int] = field(default_factory=list)
    exercise_labels: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _where(name: str, index: int, cell) -> str:
    cid = cell.get("id")
    return f"{name}: cell {index + 1}" + (f" (id {cid})" if cid else "")


@dataclass
class Segment:
    """A piece of a markdown cell: plain text (``kind == "text"``) or one fenced directive, e.g. ``exercise``."""

    kind: str
    arg: str
    label: str | None
    text: str


def markdown_segments(source: str) -> list[Segment]:
    """Split a markdown cell into text and fenced directives (```` ``` ```` or ``:::``, nested fences followed)."""
    lines = source.splitlines(keepends=True)
    segments: list[Segment] = []
    text: list[str] = []
    k = 0
    while k < len(lines):
        m = _DIRECTIVE.match(lines[k])
        if not m:
            text.append(lines[k])
            k += 1
            continue
        if text:
            segments.append(Segment("text", "", None, "".join(text)))
            text = []
        stack = [m.group(1)]
        body = [lines[k]]
        k += 1
        while k < len(lines) and stack:
            line = lines[k]
            body.append(line)
            k += 1
            bare = line.strip()
            if bare and set(bare) == {stack[-1][0]} and len(bare) >= len(stack[-1]):
                stack.pop()
            else:
                inner = _FENCE.match(line)
                if inner and bare != inner.group(1):  # a fence with an info string opens a nested block
                    stack.append(inner.group(1))
        raw = "".join(body)
        label = _LABEL.search(raw)
        segments.append(Segment(m.group(2), m.group(3), label.group(1) if label else None, raw))
    if text:
        segments.append(Segment("text", "", None, "".join(text)))
    return segments


def chapter_number(name: str) -> str | None:
    """The chapter number a notebook's file name starts with (``"03_bilinear_2d.ipynb"`` -> ``"3"``), or None."""
    m = re.match(r"(\d+)", Path(name).name)
    return str(int(m.group(1))) if m else None


def split_regions(source: str, where: str) -> list[tuple[int, int, str]]:
    """``(begin_line, end_line, indent)`` of every solution region of a code cell's source (lines from 0).

    Raises :class:`MarkerError` (naming ``where`` and the line) for BEGIN without END, nested regions, END before
    BEGIN, and comment lines that mention BEGIN/END SOLUTION without being exactly a marker.
    """
    regions = []
    open_at: int | None = None
    indent = ""
    for k, line in enumerate(source.splitlines()):
        text = line.strip()
        if text == BEGIN:
            if open_at is not None:
                raise MarkerError(f"{where}, line {k + 1}: {BEGIN!r} inside the region opened on line "
                                  f"{open_at + 1} (nested regions are not allowed; close it with {END!r} first)")
            open_at, indent = k, line[: len(line) - len(line.lstrip())]
        elif text == END:
            if open_at is None:
                raise MarkerError(f"{where}, line {k + 1}: {END!r} without a {BEGIN!r} before it")
            regions.append((open_at, k, indent))
            open_at = None
        elif _MARKER_LIKE.search(text):
            raise MarkerError(f"{where}, line {k + 1}: {text!r} looks like a solution marker but is not exactly "
                              f"{BEGIN!r} or {END!r}")
    if open_at is not None:
        raise MarkerError(f"{where}, line {open_at + 1}: {BEGIN!r} without a matching {END!r}")
    return regions


def stub_source(source: str, regions: list[tuple[int, int, str]], exercise: str) -> str:
    """``source`` with each region (markers included) replaced by the indented ``raise NotImplementedError``."""
    lines = source.splitlines(keepends=True)
    out: list[str] = []
    k = 0
    for begin, end, indent in regions:
        out.extend(lines[k:begin])
        newline = "\n" if lines[end].endswith("\n") else ""
        out.append(indent + STUB.format(exercise) + newline)
        k = end + 1
    out.extend(lines[k:])
    return "".join(out)


def _exercise_labels(nb) -> list[str]:
    labels = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            for seg in markdown_segments(cell.source):
                if seg.kind in ("exercise", "exercise-start"):
                    labels.append(seg.label or f"<unlabelled exercise in cell {i + 1}>")
    return labels


def make_student_notebook(nb, name: str = "notebook") -> tuple[object, Report]:
    """Return ``(student_notebook, report)`` for a notebook node (nbformat v4); ``nb`` itself is not modified.

    ``name`` (the file name) is used in error messages and gives the chapter number for exercises whose cell has
    no ``# Exercise N.M`` comment. See the module docstring for the rules.
    """
    nb = copy.deepcopy(nb)
    report = Report(name=name, exercise_labels=_exercise_labels(nb))
    chapter = chapter_number(name)
    block: str | None = None  # label of the gated solution we are in
    block_start = -1
    last_exercise: str | None = None
    clearing = False  # after a stub cell: clear code cells until the next ordinary markdown cell
    for i, cell in enumerate(nb.cells):
        where = _where(name, i, cell)
        if cell.cell_type == "markdown":
            pieces: list[str] = []
            replaced = ordinary = False
            for seg in markdown_segments(cell.source):
                if seg.kind in ("exercise", "exercise-start"):
                    last_exercise = seg.label
                if seg.kind == "solution-start":
                    if block is not None:
                        raise MarkerError(f"{where}: {{solution-start}} {seg.arg} inside the gated solution of "
                                          f"{block} opened in cell {block_start + 1} (missing {{solution-end}})")
                    block, block_start = seg.arg, i
                elif seg.kind == "solution-end":
                    if block is None:
                        raise MarkerError(f"{where}: {{solution-end}} without a {{solution-start}} before it")
                    block = None
                elif (block is not None or seg.kind == "solution") and seg.text.strip():
                    if not (pieces and pieces[-1] == PLACEHOLDER + "\n"):
                        pieces.append(PLACEHOLDER + "\n")
                    replaced = True
                    continue
                elif seg.text.strip():
                    ordinary = True
                pieces.append(seg.text)
            if replaced:
                new_source = "".join(pieces)
                cell.source = new_source if cell.source.endswith("\n") else new_source.rstrip("\n")
                report.replaced_markdown.append(i)
            if ordinary:
                clearing = False
            continue
        if cell.cell_type != "code":
            continue
        regions = split_regions(cell.source, where)
        if block is not None and not regions:
            raise MarkerError(f"{where}: a code cell inside the gated solution of {block} without a "
                              f"{BEGIN!r} ... {END!r} region: the student edition would hand it out")
        if regions:
            exercise = _exercise_of(cell, block or last_exercise, report, chapter, where)
            source_lines = cell.source.splitlines()
            for begin, end, indent in regions:
                report.regions.append(Region(i, exercise, indent, source_lines[begin + 1:end]))
            cell.source = stub_source(cell.source, regions, exercise)
            report.stub_cells.append(i)
            clearing = True
        elif clearing:
            report.check_cells.append(i)
        else:
            continue
        cell.outputs = []
        cell.execution_count = None
    if block is not None:
        raise MarkerError(f"{_where(name, block_start, nb.cells[block_start])}: {{solution-start}} {block} "
                          f"without a matching {{solution-end}}")
    add_nbgrader_metadata(nb, report)
    nbformat.validate(nb)
    return nb, report


def add_nbgrader_metadata(nb, report: Report) -> None:
    """Mark the student copy's cells for nbgrader (schema version 3), in place: each stub cell is an autograded
    answer (``solution``), each check cell after it a locked autograder test worth 1 point (``grade``), named
    ``exercise-N-M-answer`` / ``exercise-N-M-check``. Every other cell is left without nbgrader metadata."""
    exercise_of = {r.cell: r.exercise for r in report.regions}
    used: set[str] = set()

    def grade_id(exercise: str, kind: str) -> str:
        base = f"exercise-{exercise.replace('.', '-')}-{kind}"
        gid, k = base, 1
        while gid in used:
            k += 1
            gid = f"{base}-{k}"
        used.add(gid)
        return gid

    current = None
    for i in sorted(report.stub_cells + report.check_cells):
        cell = nb.cells[i]
        if i in report.stub_cells:
            current = exercise_of[i]
            meta = {"grade": False, "locked": False, "solution": True, "task": False,
                    "grade_id": grade_id(current, "answer")}
        else:
            meta = {"grade": True, "locked": True, "solution": False, "task": False, "points": 1,
                    "grade_id": grade_id(current, "check")}
        cell.metadata["nbgrader"] = {**meta, "schema_version": 3}


def _exercise_of(cell, label: str | None, report: Report, chapter: str | None, where: str) -> str:
    first = next((line.strip() for line in cell.source.splitlines() if line.strip()), "")
    m = _EXERCISE_COMMENT.match(first)
    by_comment = m.group(1) if m else None
    by_order = None
    if label in report.exercise_labels and chapter is not None:
        by_order = f"{chapter}.{report.exercise_labels.index(label) + 1}"
    if by_comment and by_order and by_comment != by_order:
        report.warnings.append(f"{where}: the comment says Exercise {by_comment} but the cell solves {label}, "
                               f"exercise {by_order} in order; using {by_comment}")
    if by_comment or by_order:
        return by_comment or by_order
    raise MarkerError(f"{where}: cannot tell which exercise this solution region belongs to: start the cell with "
                      f"'# Exercise N.M' (or put it inside the {{solution-start}} of a labelled {{exercise}} in a "
                      f"notebook whose file name starts with the chapter number)")


def html_copy(student_nb):
    """The notebook the student HTML is built from: gated solution directives and their placeholders removed."""
    nb = copy.deepcopy(student_nb)
    keep = []
    inside = False
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            keep.append(cell)
            continue
        pieces = []
        for seg in markdown_segments(cell.source):
            if seg.kind == "solution-start":
                inside = True
            elif seg.kind == "solution-end":
                inside = False
            elif not inside:
                pieces.append(seg.text)
        cell.source = "".join(pieces)
        if cell.source.strip():
            keep.append(cell)
    nb.cells = keep
    return nb


def _normal(text: str) -> str:
    return " ".join(text.split())


def notebook_text(nb) -> str:
    """Every source and every text output of a notebook, whitespace-normalised (for leak searches)."""
    parts = []
    for cell in nb.cells:
        parts.append(cell.source)
        for out in cell.get("outputs", []):
            text = out.get("text", "")
            parts.append(text if isinstance(text, str) else "".join(text))
            for mime, value in out.get("data", {}).items():
                if mime.startswith("text/"):
                    parts.append(value if isinstance(value, str) else "".join(value))
    return _normal("\n".join(parts))


def leaked_lines(regions: list[Region], source_nb, text: str) -> list[str]:
    """Solution lines of ``regions`` found in ``text`` (normalised) that occur nowhere else in ``source_nb``.

    A line that the source notebook also has outside its solution regions (a blank line, ``return out`` that the
    chapter shows elsewhere) proves nothing and is skipped, as are lines with fewer than 3 visible characters.
    """
    outside = copy.deepcopy(source_nb)
    for cell in outside.cells:
        if cell.cell_type == "code":
            try:
                regions_here = split_regions(cell.source, "")
            except MarkerError:
                continue
            if regions_here:
                cell.source = stub_source(cell.source, regions_here, "")
                cell.outputs = []
    elsewhere = notebook_text(outside)
    found = []
    for region in regions:
        for line in region.lines:
            key = _normal(line)
            if len(key.replace(" ", "")) < 3 or key in elsewhere:
                continue
            if key in text and line.strip() not in found:
                found.append(line.strip())
    return found


def html_text(path: Path) -> str:
    raw = path.read_text(encoding="utf-8", errors="replace")
    return _normal(html_lib.unescape(re.sub(r"<[^>]+>", "", raw)))


def write_notebooks(src: Path, out: Path) -> dict[str, tuple[object, object, Report]]:
    """Write the student copy of every notebook of ``src`` into ``out`` (and copy the other files there)."""
    paths = sorted(p for p in src.glob("*.ipynb"))
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for other in src.iterdir():
        if other.suffix != ".ipynb" and other.name != ".ipynb_checkpoints":
            (shutil.copytree if other.is_dir() else shutil.copy2)(other, out / other.name)
    results = {}
    for path in paths:
        source_nb = nbformat.read(path, as_version=4)
        student_nb, report = make_student_notebook(source_nb, path.name)
        for warning in report.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        leaks = leaked_lines(report.regions, source_nb, notebook_text(student_nb))
        if leaks:
            raise MarkerError(f"{path.name}: solution lines survive in the student notebook: {leaks[:3]}")
        nbformat.write(student_nb, out / path.name)
        results[path.name] = (source_nb, student_nb, report)
    return results


def build_html(root: Path, results: dict, out_html: Path, branch: str | None = None) -> None:
    """Build the student HTML from a temporary copy of the project, then search it for solution lines."""
    import yaml

    config = yaml.safe_load((root / "_config.yml").read_text())
    config["title"] = f"{config.get('title', 'Book')} (student edition)"
    config.setdefault("execute", {})["execute_notebooks"] = "off"
    config.setdefault("sphinx", {}).setdefault("config", {})["hide_solutions"] = True
    if branch:
        config.setdefault("repository", {})["branch"] = branch
    with tempfile.TemporaryDirectory(prefix="updown-student-") as tmp:
        book = Path(tmp)
        (book / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False))
        shutil.copy2(root / "_toc.yml", book / "_toc.yml")
        for name in ("book", "_static", "images"):
            if (root / name).is_dir():
                shutil.copytree(root / name, book / name)
        (book / "notebooks").mkdir()
        for other in (root / "notebooks").iterdir():
            if other.suffix != ".ipynb" and other.name != ".ipynb_checkpoints":
                (shutil.copytree if other.is_dir() else shutil.copy2)(other, book / "notebooks" / other.name)
        for name, (_, student_nb, _) in results.items():
            nbformat.write(html_copy(student_nb), book / "notebooks" / name)
        cmd = [sys.executable, "-m", "jupyter_book", "build", str(book), "--all", "--keep-going"]
        jb = Path(sys.executable).with_name("jupyter-book")
        if jb.exists():
            cmd[:3] = [str(jb)]
        print("building the student HTML:", " ".join(cmd[1:2] + ["<copy of the book>"] + cmd[3:]), flush=True)
        done = subprocess.run(cmd, capture_output=True, text=True)
        warnings = [line for line in done.stdout.splitlines() + done.stderr.splitlines() if "WARNING" in line]
        for line in warnings:
            print(line.replace(str(book), "<student copy>"), file=sys.stderr)
        built = book / "_build" / "html"
        if done.returncode != 0 or not (built / "index.html").exists():
            sys.stderr.write(done.stdout[-4000:] + done.stderr[-4000:])
            raise RuntimeError(f"the student HTML build failed (exit code {done.returncode})")
        if out_html.exists():
            shutil.rmtree(out_html)
        shutil.copytree(built, out_html)
    pages = sorted(out_html.rglob("*.html"))
    checked = verify_html(out_html, results)
    print(f"student HTML: {_shown(out_html)} ({len(pages)} pages, {len(warnings)} warnings; no solution line in the "
          f"{checked} chapter pages)")


def verify_html(out_html: Path, results: dict) -> int:
    """Search the page of every notebook (and its downloadable copy) for its solution lines; raise RuntimeError.

    Returns the number of pages searched (a notebook that is not in _toc.yml has no page).
    """
    checked = 0
    for name, (source_nb, student_nb, report) in results.items():
        page = out_html / "notebooks" / (Path(name).stem + ".html")
        if not page.exists():  # not in _toc.yml
            continue
        checked += 1
        text = html_text(page)
        for copy_ in out_html.rglob(name):  # the notebook as offered for download (_sources/), if any
            text += " " + notebook_text(nbformat.read(copy_, as_version=4))
        leaks = leaked_lines(report.regions, source_nb, text)
        # a line the student notebook itself shows outside its stubs (e.g. in a show_source output) is no leak
        student = notebook_text(student_nb)
        leaks = [line for line in leaks if _normal(line) not in student]
        if leaks:
            raise RuntimeError(f"{name}: solution lines found in the student HTML: {leaks[:3]}")
    return checked


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--src", type=Path, default=ROOT / "notebooks", help="source notebooks (default notebooks/)")
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "student",
                        help="output folder (default _build/student)")
    parser.add_argument("--no-html", action="store_true", help="write the student notebooks only")
    parser.add_argument("--branch", default=None,
                        help="repository branch the launch buttons of the student HTML open (default: _config.yml's)")
    args = parser.parse_args(argv)
    try:
        results = write_notebooks(args.src, args.out / "notebooks")
    except MarkerError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    n_regions = sum(len(r.regions) for _, _, r in results.values())
    print(f"student notebooks: {_shown(args.out / 'notebooks')} ({len(results)} notebooks, {n_regions} solution "
          f"regions removed)")
    for name, (_, _, report) in results.items():
        exercises = sorted({r.exercise for r in report.regions}, key=lambda e: tuple(map(int, e.split("."))))
        print(f"  {name}: {len(report.regions)} regions in {len(report.stub_cells)} cells "
              f"(exercises {', '.join(exercises) or 'none'}), {len(report.check_cells)} check cells cleared")
    if not args.no_html:
        try:
            build_html(ROOT, results, args.out / "html", args.branch)
        except RuntimeError as err:
            print(f"error: {err}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
