"""The MkDocs plugin that makes ``mkdocs build`` and ``mkdocs serve`` build the whole site.

The reference downloads (``downloads/``) and the figures drawn from ``data/`` are generated
files: nothing in ``docs/`` holds them. This plugin writes them during each build, from the
bibliography and data the build reads, and adds them to the build's file collection, so a
fresh clone needs no step before ``mkdocs build --strict`` and there is one way they are made
(``alliance_site.site_downloads`` and ``alliance_site.figures``, which ``export`` and
``figures`` also call for Zensical, which runs no MkDocs plugin).

It also resolves the snippets extension's relative ``base_path`` against the configuration's
folder, so ``mkdocs build -f path/to/mkdocs.yml`` works from any folder. (MkDocs' own
``!relative`` YAML tag would do the same, but Zensical's configuration loader rejects it.)
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from citation_engine import styling_cache
from citation_engine.errors import BibliographyError
from citation_engine.markdown_extension import MarkdownScanner
from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from alliance_site.figures import write_figures
from alliance_site.site_downloads import SITE_FILES, write_site_downloads
from alliance_site.site_pages import SNIPPETS, absolute_snippet_paths

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer

# The last generated files (src_uri -> bytes) and what they were made from. `mkdocs serve`
# rebuilds in one process on every page edit; the files change only with their sources.
_generated_memo: list[tuple[tuple[object, ...], dict[str, bytes]]] = []


def _sources_token(paths: list[Path]) -> tuple[object, ...]:
    """What the generated files depend on: each source's path, size and modification time."""
    token: list[object] = []
    for path in paths:
        try:
            stat = path.stat()
        except OSError:
            token.append((str(path), None))  # missing: the writer reports it
        else:
            token.append((str(path), stat.st_size, stat.st_mtime_ns))
    return tuple(token)


class SiteFilesConfig(Config):  # type: ignore[no-untyped-call]  # MkDocs leaves it untyped
    """Where the sources are (relative to the configuration's folder) and where files go."""

    bibliography = config_options.Type(str, default="bib/references.bib")
    style = config_options.Type(str, default="apa")
    downloads = config_options.Type(str, default="downloads")
    figures_data = config_options.Type(str, default="data/relationship-effects.csv")
    figures = config_options.Type(str, default="assets/figures")


def _engine_scanner(config: MkDocsConfig) -> MarkdownScanner:
    """The scan the extension makes under this configuration, so the build scans once."""
    names = tuple(name for name in config.markdown_extensions if isinstance(name, str))
    return MarkdownScanner.of(names, config.mdx_configs or {})


def _engine_cache_dir(config: MkDocsConfig, project: Path) -> Path:
    """The extension's cache folder, as it resolves it (``citation_engine`` options)."""
    options = (config.mdx_configs or {}).get("citation_engine") or {}
    return project / (options.get("cache_dir") or styling_cache.DEFAULT_CACHE_DIR)


def project_dir(config: MkDocsConfig) -> Path:
    """The folder of the configuration file: every relative path of the project starts there."""
    return Path(config.config_file_path).resolve().parent


def snippet_files(options: dict[str, Any], project: Path) -> list[Path]:
    """The files snippets may add to a page: what it appends, and its folders but the project.

    The project folder itself is never watched: the build writes into it (the site, caches),
    and each write would start another rebuild.
    """
    bases = [Path(path) for path in absolute_snippet_paths(options, project)["base_path"]]
    appended = [*options.get("auto_append", []), *options.get("auto_prepend", [])]
    found = [base / name for base in bases for name in appended if (base / name).is_file()]
    folders = [base for base in bases if base.is_dir() and base.resolve() != project.resolve()]
    return [*found, *folders]


class SiteFilesPlugin(BasePlugin[SiteFilesConfig]):  # type: ignore[no-untyped-call]
    """Generate the downloads and figures inside every build (``site-files`` in mkdocs.yml)."""

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Resolve the snippets' base path against the configuration's folder."""
        if SNIPPETS in config.markdown_extensions:
            options = config.mdx_configs.get(SNIPPETS, {})
            config.mdx_configs[SNIPPETS] = absolute_snippet_paths(options, project_dir(config))
        return config

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        """Replace whatever ``docs/`` holds under the generated names with fresh files.

        A file that a symbolic link brings in from outside ``docs/`` stops the build: MkDocs
        follows links, so it would publish whatever the build can read.
        """
        docs = Path(config.docs_dir)
        outside = [
            f"{file.src_uri}: a symbolic link leads outside {config.docs_dir}; the site "
            "publishes only the project's own files: put the file itself there, or remove "
            "the link"
            for file in files
            if file.abs_src_path
            and Path(file.abs_src_path).is_relative_to(docs)  # the theme's files are elsewhere
            and not Path(file.abs_src_path).resolve().is_relative_to(docs.resolve())
        ]
        if outside:
            raise PluginError("\n".join(sorted(outside)))
        generated = self._generated(config)
        for src_uri, content in generated.items():
            existing = files.get_file_from_path(src_uri)
            if existing is not None:
                files.remove(existing)
            files.append(File.generated(config, src_uri, content=content))
        prefix = f"{self.config.downloads}/"
        for file in [file for file in files if file.src_uri.startswith(prefix)]:
            if file.src_uri not in generated:
                files.remove(file)  # a download left in docs/ by an older export
        return files

    def _generated(self, config: MkDocsConfig) -> dict[str, bytes]:
        """The downloads and figures by their place in the site, made from the sources."""
        project = project_dir(config)
        bib = project / self.config.bibliography
        data = project / self.config.figures_data
        sources = [bib, data, *(project / source for source, _ in SITE_FILES)]
        token = (self.config.style, config.docs_dir, *_sources_token(sources))
        if _generated_memo and _generated_memo[0][0] == token:
            return _generated_memo[0][1]
        with tempfile.TemporaryDirectory() as scratch:
            out = Path(scratch)
            try:
                downloads = write_site_downloads(
                    bib, Path(config.docs_dir), out / "downloads", style=self.config.style,
                    root=project, scan=_engine_scanner(config),
                    cache_dir=_engine_cache_dir(config, project),
                )  # fmt: skip
                figures = write_figures(data, out / "figures")
            except BibliographyError as error:
                raise PluginError(str(error)) from None
            except ValueError as error:  # a malformed data row, with its file and line
                raise PluginError(str(error)) from None
            generated = {
                f"{self.config.downloads}/{path.relative_to(out / 'downloads').as_posix()}": (
                    path.read_bytes()
                )
                for path in sorted(downloads)
            }
            for path in figures:
                generated[f"{self.config.figures}/{path.name}"] = path.read_bytes()
        _generated_memo[:] = [(token, generated)]
        return generated

    def on_serve(
        self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Any
    ) -> LiveReloadServer:
        """Rebuild when the bibliography, the figures' data or a snippet change, not only pages."""
        project = project_dir(config)
        server.watch(str(project / self.config.bibliography))
        server.watch(str(project / self.config.figures_data))
        for snippet in snippet_files(config.mdx_configs.get(SNIPPETS, {}), project):
            server.watch(str(snippet))
        return server
