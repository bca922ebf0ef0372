"""The student edition (tools/make_student.py): solutions out, stubs in, everything else intact.

Fast tests on small synthetic notebooks and on the real chapters (transformation only); one test per chapter that
executes its student notebook (marked slow: `make test-slow`); one that builds a one-page student HTML book.
"""
from __future__ import annotations

import ast
import copy
import importlib.util
import os
import re
import shutil
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("make_student", ROOT / "tools" / "make_student.py")
ms = importlib.util.module_from_spec(_spec)
sys.modules["make_student"] = ms
_spec.loader.exec_module(ms)

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"


# ----------------------------------------------------------------------------------------------------------------
# synthetic notebooks

def executed(source: str, text: str, count: int):
    cell = new_code_cell(source, execution_count=count)
    cell.outputs = [new_output("stream", name="stdout", text=text)]
    return cell


def exercise_md(label: str, title: str = "Do it") -> str:
    return f"```{{exercise}} {title}\n:label: {label}\nWrite it.\n```"


def sol_start(label: str) -> str:
    return f"```{{solution-start}} {label}\n:class: dropdown\n```"


SOL_END = "```{solution-end}\n```"

FUNCTION_SOLUTION = (
    "# Exercise 9.2\n"
    "def weights(t):\n"
    f"    {BEGIN}\n"
    "    left = 1.0 - t\n"
    "    return left, t\n"
    f"    {END}\n"
)


def demo_notebook():
    """Title, set-up, a lesson cell, exercise 9.1 (by hand: prose + top-level code), 9.2 (function), a tail."""
    cells = [
        new_markdown_cell("# Demo chapter"),
        executed("import math\nprint(math.pi > 3)", "True\n", 1),
        new_markdown_cell("Some lesson.\n\n" + exercise_md("ex-demo-1", "By hand")),
        new_markdown_cell(sol_start("ex-demo-1")),
        new_markdown_cell("The answer is **0.75**, because the nearer pixel gets the larger weight."),
        executed(f"# Exercise 9.1\n{BEGIN}\nanswer_by_hand = 0.75\n{END}\n", "", 2),
        new_markdown_cell(SOL_END),
        executed("check_value(lambda: answer_by_hand)", "Exercise 9.1: passed\n", 3),
        new_markdown_cell(exercise_md("ex-demo-2", "Implement")),
        new_markdown_cell(sol_start("ex-demo-2")),
        executed(FUNCTION_SOLUTION, "", 4),
        new_markdown_cell(SOL_END),
        executed("check_weights(weights)", "Exercise 9.2: passed (5 hidden cases)\n", 5),
        new_markdown_cell("## After the exercises"),
        executed("print(1 + 1)", "2\n", 6),
    ]
    nb = new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                            "language": "python"}})
    nbformat.validate(nb)
    return nb


def test_function_region_becomes_an_indented_stub_and_the_def_line_stays():
    student, report = ms.make_student_notebook(demo_notebook(), "09_demo.ipynb")
    assert student.cells[10].source == (
        '# Exercise 9.2\ndef weights(t):\n    raise NotImplementedError("Exercise 9.2")\n')
    ast.parse(student.cells[10].source)  # still valid Python
    assert student.cells[5].source == '# Exercise 9.1\nraise NotImplementedError("Exercise 9.1")\n'
    assert [(r.cell, r.exercise, r.indent) for r in report.regions] == [(5, "9.1", ""), (10, "9.2", "    ")]
    assert report.regions[1].lines == ["    left = 1.0 - t", "    return left, t"]


def test_outputs_of_stub_and_check_cells_are_cleared_and_the_rest_kept():
    source = demo_notebook()
    student, report = ms.make_student_notebook(source, "09_demo.ipynb")
    assert report.stub_cells == [5, 10] and report.check_cells == [7, 12]
    for i in (5, 7, 10, 12):
        assert student.cells[i].outputs == [] and student.cells[i].execution_count is None
    for i in (1, 14):
        assert student.cells[i] == source.cells[i]


def test_non_solution_cells_are_untouched_and_prose_solutions_replaced():
    source = demo_notebook()
    student, report = ms.make_student_notebook(source, "09_demo.ipynb")
    assert report.replaced_markdown == [4]
    assert student.cells[4].source == ms.PLACEHOLDER
    changed = {4, 5, 7, 10, 12}
    for i, (a, b) in enumerate(zip(source.cells, student.cells)):
        if i not in changed:
            assert a == b, f"cell {i} changed"
    assert len(student.cells) == len(source.cells)
    assert student.metadata == source.metadata


def test_input_notebook_is_not_modified():
    source = demo_notebook()
    before = copy.deepcopy(source)
    ms.make_student_notebook(source, "09_demo.ipynb")
    assert source == before


def test_several_regions_in_one_cell_and_a_last_line_without_newline():
    src = (f"# Exercise 9.3\nclass A:\n    def f(self):\n        {BEGIN}\n        return 1\n        {END}\n\n"
           f"    def g(self):\n        {BEGIN}\n        return 2\n        {END}")
    nb = new_notebook(cells=[new_markdown_cell(exercise_md("ex-x")), new_code_cell(src)])
    student, report = ms.make_student_notebook(nb, "09_demo.ipynb")
    stub = 'raise NotImplementedError("Exercise 9.3")'
    assert student.cells[1].source == (f"# Exercise 9.3\nclass A:\n    def f(self):\n        {stub}\n\n"
                                       f"    def g(self):\n        {stub}")
    assert len(report.regions) == 2
    ast.parse(student.cells[1].source)


def test_names_that_contain_the_words_are_not_markers():
    nb = demo_notebook()
    nb.cells[1].source = "append_solution = end_solution = 1  # not a marker: BEGINS OLUTION\n"
    student, _ = ms.make_student_notebook(nb, "09_demo.ipynb")
    assert student.cells[1] == nb.cells[1]


def test_exercise_number_from_label_order_when_the_comment_is_missing():
    nb = demo_notebook()
    nb.cells[10].source = FUNCTION_SOLUTION.replace("# Exercise 9.2\n", "")
    student, report = ms.make_student_notebook(nb, "07_demo.ipynb")  # chapter 7 by file name, second exercise
    assert 'raise NotImplementedError("Exercise 7.2")' in student.cells[10].source
    assert report.regions[0].exercise == "9.1"  # the comment wins where it exists
    assert any("9.1" in w and "7.1" in w for w in report.warnings)  # ... and the disagreement is reported


def test_no_way_to_number_the_exercise_is_an_error():
    nb = new_notebook(cells=[new_code_cell(f"{BEGIN}\nx = 1\n{END}\n")])
    with pytest.raises(ms.MarkerError, match=r"demo\.ipynb: cell 1.*cannot tell which exercise"):
        ms.make_student_notebook(nb, "demo.ipynb")


MALFORMED = {
    "begin without end": (f"# Exercise 9.2\ndef f():\n    {BEGIN}\n    return 1\n", r"line 3: .*without a matching"),
    "nested": (f"# Exercise 9.2\n{BEGIN}\na = 1\n{BEGIN}\nb = 2\n{END}\n{END}\n", r"line 4: .*nested"),
    "end before begin": (f"# Exercise 9.2\n{END}\nx = 1\n{BEGIN}\n", r"line 2: .*without a .*BEGIN"),
    "near miss": ("# Exercise 9.2\n## BEGIN SOLUTION\nx = 1\n### END SOLUTION\n", r"line 2: .*looks like"),
    "lower case": ("# Exercise 9.2\n### begin solution\nx = 1\n### END SOLUTION\n", r"line 2: .*looks like"),
    "trailing text": (f"# Exercise 9.2\n{BEGIN}\nx = 1\n{END} (hidden)\n", r"line 4: .*looks like"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_markers_are_rejected_naming_notebook_cell_and_line(case):
    source, pattern = MALFORMED[case]
    nb = demo_notebook()
    nb.cells[10].source = source
    with pytest.raises(ms.MarkerError, match=r"^09_demo\.ipynb: cell 11.*" + pattern):
        ms.make_student_notebook(nb, "09_demo.ipynb")


def test_malformed_gated_solutions_are_rejected():
    nb = demo_notebook()
    del nb.cells[6]  # the first {solution-end}: the check cell is now inside the solution
    with pytest.raises(ms.MarkerError, match=r"09_demo\.ipynb: cell 7 .*code cell inside the gated solution of ex-demo-1"):
        ms.make_student_notebook(nb, "09_demo.ipynb")
    del nb.cells[6]  # ... and without the check cell the next {solution-start} is nested
    with pytest.raises(ms.MarkerError, match=r"09_demo\.ipynb: cell 8 .*inside the gated solution of ex-demo-1 opened in cell 4"):
        ms.make_student_notebook(nb, "09_demo.ipynb")
    nb = demo_notebook()
    del nb.cells[9]  # the second {solution-start}
    with pytest.raises(ms.MarkerError, match=r"cell 11.*solution-end.*without a .*solution-start"):
        ms.make_student_notebook(nb, "09_demo.ipynb")
    nb = demo_notebook()
    del nb.cells[11:]  # the notebook ends inside the second solution
    with pytest.raises(ms.MarkerError, match=r"cell 10.*ex-demo-2 without a matching"):
        ms.make_student_notebook(nb, "09_demo.ipynb")


def test_unmarked_code_inside_a_gated_solution_is_rejected():
    nb = demo_notebook()
    nb.cells[10].source = "# Exercise 9.2\ndef weights(t):\n    return 1 - t, t\n"
    with pytest.raises(ms.MarkerError, match=r"cell 11.*inside the gated solution of ex-demo-2 without"):
        ms.make_student_notebook(nb, "09_demo.ipynb")


def test_html_copy_drops_gated_directives_and_placeholders_but_keeps_stubs():
    student, _ = ms.make_student_notebook(demo_notebook(), "09_demo.ipynb")
    copy_ = ms.html_copy(student)
    sources = [c.source for c in copy_.cells]
    assert not any("{solution" in s or s == ms.PLACEHOLDER for s in sources)
    assert sum('raise NotImplementedError("Exercise' in s for s in sources) == 2
    assert len(copy_.cells) == len(student.cells) - 5


def test_leak_search_ignores_lines_shown_elsewhere():
    source = demo_notebook()
    source.cells[1].source += "\nleft = 1.0 - t"  # the chapter shows this line outside the solution too
    student, report = ms.make_student_notebook(source, "09_demo.ipynb")
    text = ms.notebook_text(source)
    assert ms.leaked_lines(report.regions, source, text) == ["answer_by_hand = 0.75", "return left, t"]
    assert ms.leaked_lines(report.regions, source, ms.notebook_text(student)) == []


def test_main_writes_notebooks_and_fails_loudly(tmp_path, capsys):
    src = tmp_path / "src"
    src.mkdir()
    nbformat.write(demo_notebook(), src / "09_demo.ipynb")
    (src / "figure.txt").write_text("an asset")
    assert ms.main(["--src", str(src), "--out", str(tmp_path / "out"), "--no-html"]) == 0
    written = nbformat.read(tmp_path / "out" / "notebooks" / "09_demo.ipynb", as_version=4)
    assert sum('raise NotImplementedError("Exercise' in c.source for c in written.cells) == 2
    assert (tmp_path / "out" / "notebooks" / "figure.txt").read_text() == "an asset"
    bad = demo_notebook()
    bad.cells[10].source = f"{BEGIN}\n"
    nbformat.write(bad, src / "09_demo.ipynb")
    assert ms.main(["--src", str(src), "--out", str(tmp_path / "out"), "--no-html"]) == 1
    assert "error: 09_demo.ipynb: cell 11" in capsys.readouterr().err


# ----------------------------------------------------------------------------------------------------------------
# the real chapters

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
needs_notebooks = pytest.mark.skipif(not NOTEBOOKS, reason="no chapter notebook in notebooks/ yet")


def independent_regions(nb) -> list[tuple[int, list[str]]]:
    """(cell index, lines strictly between the markers) of every region, found without the generator."""
    found = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        inside = None
        for line in cell.source.splitlines():
            if line.strip() == BEGIN:
                inside = []
            elif line.strip() == END:
                found.append((i, inside))
                inside = None
            elif inside is not None:
                inside.append(line)
    return found


def text_outside_regions(nb) -> str:
    """Sources without region lines, plus the outputs of the cells without regions."""
    parts = []
    for cell in nb.cells:
        inside, has_region = False, False
        for line in cell.source.splitlines():
            if line.strip() in (BEGIN, END):
                inside, has_region = line.strip() == BEGIN, True
            elif not inside:
                parts.append(line)
        if not has_region:
            for out in cell.get("outputs", []):
                parts.append(str(out.get("text", "")) + str(out.get("data", {}).get("text/plain", "")))
    return " ".join(" ".join(parts).split())


def student_of(path: Path):
    source = nbformat.read(path, as_version=4)
    student, report = ms.make_student_notebook(source, path.name)
    return source, student, report


@needs_notebooks
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_no_solution_line_survives(path):
    source, student, _ = student_of(path)
    regions = independent_regions(source)
    elsewhere = text_outside_regions(source)
    student_text = ms.notebook_text(student)
    survivors = []
    for _, lines in regions:
        for line in lines:
            key = " ".join(line.split())
            if len(key.replace(" ", "")) >= 3 and key not in elsewhere and key in student_text:
                survivors.append(line.strip())
    assert not survivors, f"{path.name}: solution lines in the student edition: {survivors[:5]}"
    for i, lines in regions:  # the cell that held a region keeps none of its lines, not even common ones
        kept = [line for line in lines if line.strip() and line in student.cells[i].source.splitlines()]
        assert not kept, f"{path.name} cell {i + 1}: {kept[:3]}"


@needs_notebooks
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_one_stub_per_region_numbered_by_chapter(path):
    source, student, report = student_of(path)
    stubs = re.findall(r'raise NotImplementedError\("Exercise (\d+)\.(\d+)"\)',
                       "\n".join(c.source for c in student.cells if c.cell_type == "code"))
    before = re.findall(r'raise NotImplementedError\("Exercise',
                        "\n".join(c.source for c in source.cells if c.cell_type == "code"))
    assert len(stubs) - len(before) == len(independent_regions(source)) == len(report.regions)
    assert len(report.regions) >= 1, f"{path.name} has no solution region"
    chapter = ms.chapter_number(path.name)
    assert {n for n, _ in stubs} <= {chapter}, f"{path.name}: stubs of other chapters {sorted(set(stubs))}"


@needs_notebooks
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_student_cells_are_valid_python(path):
    _, student, report = student_of(path)
    for i in report.stub_cells:
        source = "\n".join(line for line in student.cells[i].source.splitlines()
                           if not line.lstrip().startswith(("%", "!")))  # IPython magics are not Python
        ast.parse(source, filename=f"{path.name} cell {i + 1}")


def _python(source: str) -> ast.Module:
    return ast.parse("\n".join(line for line in source.splitlines()
                               if not line.lstrip().startswith(("%", "!"))))


def _names(tree: ast.AST, context: type) -> set[str]:
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, context)}
    if context is ast.Store:
        for n in ast.walk(tree):
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(n.name)
            elif isinstance(n, (ast.Import, ast.ImportFrom)):
                names.update((a.asname or a.name).split(".")[0] for a in n.names)
    return names


def uses_of_lost_names(student, report) -> list[tuple[int, list[str], int]]:
    """``(cell, names, solution cell)`` for every cell, other than stub and check cells, that uses a lost name.

    A name is *lost* in the student edition when a top-level solution region bound it, or when it is a function
    whose body became a stub (calling it raises), until a later cell binds it again.
    """
    exercise_cells = set(report.stub_cells) | set(report.check_cells)
    lost: dict[str, int] = {}
    found = []
    for i, cell in enumerate(student.cells):
        if cell.cell_type != "code":
            continue
        tree = _python(cell.source)
        if i in report.stub_cells:
            for region in (r for r in report.regions if r.cell == i and r.indent == ""):
                lost.update((name, i) for name in _names(_python("\n".join(region.lines)), ast.Store))
            for node in ast.walk(tree):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
                        isinstance(n, ast.Raise) and "NotImplementedError" in ast.unparse(n) for n in ast.walk(node)):
                    lost[node.name] = i
            continue
        if i in exercise_cells:
            continue
        used = sorted(name for name in _names(tree, ast.Load) if name in lost)
        if used:
            found.append((i, used, lost[used[0]]))
        for name in _names(tree, ast.Store):
            lost.pop(name, None)
    return found


def test_static_search_finds_cells_that_need_a_solution():
    nb = demo_notebook()
    nb.cells.append(new_code_cell("print(weights(0.5), answer_by_hand)"))
    nb.cells.append(new_code_cell("answer_by_hand = 1\ndef weights(t):\n    return t\n"))
    nb.cells.append(new_code_cell("print(weights(0.5), answer_by_hand)"))
    student, report = ms.make_student_notebook(nb, "09_demo.ipynb")
    assert uses_of_lost_names(student, report) == [(15, ["answer_by_hand", "weights"], 5)]
    assert uses_of_lost_names(*ms.make_student_notebook(demo_notebook(), "09_demo.ipynb")) == []


@needs_notebooks
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_no_later_cell_needs_a_solution(path):
    """Fast static stand-in for executing the student notebook: after a stub, only its check may use it."""
    _, student, report = student_of(path)
    found = uses_of_lost_names(student, report)
    assert not found, "".join(f"{path.name} cell {i + 1} uses {names}, lost in the student edition (solution in "
                              f"cell {j + 1}): only the check cell may follow a solution; " for i, names, j in found)


@needs_notebooks
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_chapter_has_three_exercises_and_every_code_exercise_a_check(path):
    _, student, report = student_of(path)
    assert len(report.exercise_labels) >= 3, f"{path.name}: {len(report.exercise_labels)} exercises, need >= 3"
    missing = unchecked_solutions(student, report)
    assert not missing, f"{path.name}: the solutions in cells {[i + 1 for i in missing]} have no check cell after them"


def unchecked_solutions(student, report) -> list[int]:
    """Stub cells not followed (before the next stub cell) by a check cell calling ``check_<name>(...)``."""
    missing = []
    for i in report.stub_cells:
        nxt = min([k for k in report.stub_cells if k > i], default=len(student.cells))
        if not any(i < j < nxt and re.search(r"\bcheck_\w+\(", student.cells[j].source) for j in report.check_cells):
            missing.append(i)
    return missing


def test_unchecked_solutions_are_found():
    nb = demo_notebook()
    assert unchecked_solutions(*ms.make_student_notebook(nb, "09_demo.ipynb")) == []
    nb.cells[7].source = "print(answer_by_hand)"
    assert unchecked_solutions(*ms.make_student_notebook(nb, "09_demo.ipynb")) == [5]


@pytest.mark.slow
@needs_notebooks
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_student_notebook_fails_only_in_exercise_cells(path, monkeypatch):
    """Executes the whole student notebook (slow: about as long as the chapter itself; `make test-slow`)."""
    from nbclient import NotebookClient

    monkeypatch.setenv("UPDOWN_STATIC", "1")
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    monkeypatch.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    _, student, report = student_of(path)
    client = NotebookClient(student, timeout=600, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    allowed = set(report.stub_cells) | set(report.check_cells)
    failed = {}
    for i, cell in enumerate(student.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                failed[i] = (out.get("ename"), out.get("evalue", "")[:200])
    wrong_place = {i + 1: e for i, e in failed.items() if i not in allowed}
    assert not wrong_place, f"{path.name}: errors outside exercise cells (cell number: error): {wrong_place}"
    unclean = {i + 1: e for i, e in failed.items()
               if not (e[0] == "NotImplementedError" or (e[0] == "ExerciseFailed" and "not done yet" in e[1]))}
    assert not unclean, f"{path.name}: exercise cells failing other than 'not done yet': {unclean}"


# ----------------------------------------------------------------------------------------------------------------
# the student HTML, on a one-page book with the project's configuration

def test_student_html_hides_solutions(tmp_path):
    """Builds a one-page book (~10 s) with the project's _config.yml: no solution line in the HTML."""
    root = tmp_path / "project"
    (root / "notebooks").mkdir(parents=True)
    shutil.copy2(ROOT / "_config.yml", root / "_config.yml")
    shutil.copytree(ROOT / "book", root / "book")
    (root / "_toc.yml").write_text("format: jb-book\nroot: notebooks/09_demo\n")
    source = demo_notebook()
    source.cells[10].source = source.cells[10].source.replace("left = 1.0 - t", "left_weight_unique = 1.0 - t")
    source.cells[10].source = source.cells[10].source.replace("return left, t", "return left_weight_unique, t")
    nbformat.write(source, root / "notebooks" / "09_demo.ipynb")
    student, report = ms.make_student_notebook(source, "09_demo.ipynb")
    out = tmp_path / "html"
    ms.build_html(root, {"09_demo.ipynb": (source, student, report)}, out)
    page = ms.html_text(out / "notebooks" / "09_demo.html")
    assert "left_weight_unique" not in page and "answer_by_hand = 0.75" not in page
    assert "because the nearer pixel" not in page
    assert 'raise NotImplementedError("Exercise 9.2")' in page  # the stub shows what to write
    assert "check_weights(weights)" in page and "Some lesson." in page
    assert "(student edition)" in (out / "notebooks" / "09_demo.html").read_text()


def test_html_verification_finds_a_leak(tmp_path):
    source = demo_notebook()
    student, report = ms.make_student_notebook(source, "09_demo.ipynb")
    results = {"09_demo.ipynb": (source, student, report), "10_absent.ipynb": (source, student, report)}
    page = tmp_path / "notebooks" / "09_demo.html"
    page.parent.mkdir()
    page.write_text('<pre><span class="n">raise</span> NotImplementedError</pre>')
    assert ms.verify_html(tmp_path, results) == 1
    page.write_text('<pre><span class="k">return</span><span class="w"> </span><span class="n">left</span>,'
                    '&#160;<span class="n">t</span></pre>')
    with pytest.raises(RuntimeError, match=r"09_demo\.ipynb: solution lines found in the student HTML: "
                                           r"\['return left, t'\]"):
        ms.verify_html(tmp_path, results)
    page.write_text("<p>clean</p>")
    (tmp_path / "_sources" / "notebooks").mkdir(parents=True)
    nbformat.write(source, tmp_path / "_sources" / "notebooks" / "09_demo.ipynb")  # the source, for download
    with pytest.raises(RuntimeError, match=r"09_demo\.ipynb: solution lines found"):
        ms.verify_html(tmp_path, results)
    nbformat.write(student, tmp_path / "_sources" / "notebooks" / "09_demo.ipynb")
    assert ms.verify_html(tmp_path, results) == 1


def test_stub_and_check_cells_carry_nbgrader_metadata_and_nothing_else_does():
    source = demo_notebook()
    student, report = ms.make_student_notebook(source, "09_demo.ipynb")
    marked = {i: c.metadata["nbgrader"] for i, c in enumerate(student.cells) if "nbgrader" in c.metadata}
    assert sorted(marked) == [5, 7, 10, 12]
    assert marked[5] == {"grade": False, "locked": False, "solution": True, "task": False,
                         "grade_id": "exercise-9-1-answer", "schema_version": 3}
    assert marked[7] == {"grade": True, "locked": True, "solution": False, "task": False, "points": 1,
                         "grade_id": "exercise-9-1-check", "schema_version": 3}
    assert marked[10]["grade_id"] == "exercise-9-2-answer" and marked[12]["grade_id"] == "exercise-9-2-check"
    ids = [m["grade_id"] for m in marked.values()]
    assert len(set(ids)) == len(ids) and all(re.fullmatch(r"[A-Za-z0-9_-]+", g) for g in ids)
    assert not any("nbgrader" in c.metadata for c in source.cells)  # the source is not touched
