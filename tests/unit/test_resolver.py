"""How the project resolver finds the user's modules: the file layout first, jedi only where
the layout cannot answer and a user module could be, each answer once per run."""

from __future__ import annotations

from pathlib import Path

import pytest

from leaf_lsp.project import FolderListing, JediResolver


def _tree(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The modules jedi is asked for (it answers nothing)."""
    calls: list[str] = []

    def record(self: JediResolver, module: str, from_path: str) -> None:
        calls.append(module)

    monkeypatch.setattr(JediResolver, "_ask_jedi", record)
    return calls


def test_relative_imports_from_many_folders_find_the_same_file(tmp_path: Path) -> None:
    _tree(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/utils.py": "X = 1\n",
            "pkg/models/__init__.py": "",
            "pkg/models/a/__init__.py": "",
            "pkg/models/a/model.py": "",
            "pkg/models/b/__init__.py": "",
            "pkg/models/b/model.py": "",
        },
    )
    resolver = JediResolver(tmp_path)
    for folder in ("a", "b"):
        found = resolver.resolve("utils", 3, str(tmp_path / "pkg" / "models" / folder / "model.py"))
        assert found is not None and Path(found[0]) == (tmp_path / "pkg" / "utils.py").resolve()
    assert resolver.resolve("utils", 2, str(tmp_path / "pkg" / "models" / "a" / "model.py")) is None
    assert resolver.resolve("missing", 3, str(tmp_path / "pkg" / "models" / "a" / "model.py")) is None


def test_jedi_is_not_asked_for_names_that_cannot_be_the_users(tmp_path: Path, asked: list[str]) -> None:
    _tree(tmp_path, {"train.py": ""})
    resolver = JediResolver(tmp_path)
    importer = str(tmp_path / "train.py")
    for module in ("contextvars", "json.decoder", "surely_not_installed_pkg", "surely_not_installed_pkg.sub"):
        assert resolver.resolve(module, 0, importer) is None
    assert resolver.resolve("pytest", 0, importer) is None  # installed as a library
    assert asked == []


def test_jedi_is_asked_once_for_a_name_near_the_file(tmp_path: Path, asked: list[str]) -> None:
    # `shared` is in a folder between the importing files and the root: jedi's sys.path has
    # it, the file layout (file folder, import root, root, src) does not.
    _tree(
        tmp_path,
        {"apps/shared/__init__.py": "", "apps/one/deep/a.py": "", "apps/one/deep/b.py": ""},
    )
    resolver = JediResolver(tmp_path)
    for name in ("a.py", "b.py"):
        assert resolver.resolve("shared.thing", 0, str(tmp_path / "apps" / "one" / "deep" / name)) is None
    assert asked == ["shared.thing"]


def test_layout_tells_when_a_missing_module_appears(tmp_path: Path) -> None:
    _tree(tmp_path, {"pkg/__init__.py": "", "pkg/main.py": ""})
    resolver = JediResolver(tmp_path)
    importer = str(tmp_path / "pkg" / "main.py")
    assert not resolver.resolves_by_layout("later", 1, importer)
    _tree(tmp_path, {"pkg/later.py": "X = 1\n"})
    assert resolver.resolves_by_layout("later", 1, importer)
    assert not resolver.resolves_by_layout("pytest", 0, importer)  # not a project file


def test_layout_through_a_listing_answers_as_the_disk(tmp_path: Path) -> None:
    _tree(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/main.py": "",
            "pkg/sub/__init__.py": "",
            "pkg/sub/mod.py": "",
            "top.py": "",
        },
    )
    (tmp_path / "pkg" / "folder.py").mkdir()  # a folder named like a module is none
    resolver = JediResolver(tmp_path)
    importer = str(tmp_path / "pkg" / "main.py")
    asked = [
        ("sub", 1),
        ("sub.mod", 1),
        ("sub.nothing", 1),
        ("folder", 1),
        ("later", 1),
        ("pkg.sub.mod", 0),
        ("top", 0),
        ("nothing.here", 0),
    ]
    listing = FolderListing()
    for module, level in asked:
        fresh = resolver.resolves_by_layout(module, level, importer)
        assert resolver.resolves_by_layout(module, level, importer, listing) == fresh, module
    assert [resolver.resolves_by_layout(m, lv, importer) for m, lv in asked] == [
        True,
        True,
        False,
        False,
        False,
        True,
        True,
        False,
    ]


def test_resolution_key_is_shared_by_the_files_a_relative_import_means_the_same_for(tmp_path: Path) -> None:
    _tree(
        tmp_path, {"pkg/__init__.py": "", "pkg/a/__init__.py": "", "pkg/b/__init__.py": "", "pkg/util.py": ""}
    )
    resolver = JediResolver(tmp_path)
    one, two = str(tmp_path / "pkg" / "a" / "x.py"), str(tmp_path / "pkg" / "b" / "y.py")
    assert resolver.resolution_key("util", 2, one) == resolver.resolution_key("util", 2, two)
    assert resolver.resolution_key("util", 1, one) != resolver.resolution_key("util", 1, two)
    assert resolver.resolution_key("util", 0, one) != resolver.resolution_key("util", 0, two)


def test_a_folder_inside_the_package_is_not_an_absolute_import(tmp_path: Path, asked: list[str]) -> None:
    """`import lib` in `pkg/quant/lib/use.py` is the library `lib` (not installed here), never
    the package's own `pkg/quant/lib/` folder: Python does not look inside a package tree."""
    _tree(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/quant/__init__.py": "",
            "pkg/quant/lib/__init__.py": "X = 1\n",
            "pkg/quant/lib/use.py": "import lib\n",
        },
    )
    resolver = JediResolver(tmp_path)
    assert (
        resolver.resolve("surely_not_installed_lib", 0, str(tmp_path / "pkg" / "quant" / "lib" / "use.py"))
        is None
    )
    _tree(tmp_path, {"pkg/quant/surely_not_installed_lib/__init__.py": ""})
    resolver = JediResolver(tmp_path)
    assert (
        resolver.resolve("surely_not_installed_lib", 0, str(tmp_path / "pkg" / "quant" / "lib" / "use.py"))
        is None
    )
    assert asked == []


def test_digest_of_matches_the_text_resolve_gives(tmp_path: Path) -> None:
    from leaf_lsp.digests import text_hash

    _tree(tmp_path, {"pkg/__init__.py": "", "pkg/main.py": "", "pkg/util.py": "x = 'é'\n"})
    (tmp_path / "pkg" / "broken.py").write_bytes(b"x = '\xff'\n")
    resolver = JediResolver(tmp_path)
    importer = str(tmp_path / "pkg" / "main.py")
    found = resolver.resolve("util", 1, importer)
    assert found is not None and resolver.locate("util", 1, importer) == found[0]
    assert resolver.digest_of(found[0]) == text_hash(found[1])
    # Not UTF-8: resolve reads nothing, and the digest is no text's.
    broken = resolver.locate("broken", 1, importer)
    assert broken is not None and resolver.resolve("broken", 1, importer) is None
    assert resolver.digest_of(broken) not in (None, text_hash(""), text_hash("x = '\ufffd'\n"))
    # An open buffer is what the resolver reads: its digest is the buffer's.
    resolver.overlay[found[0]] = "x = 2\n"
    assert resolver.digest_of(found[0]) == text_hash("x = 2\n")
