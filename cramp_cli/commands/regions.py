"""The `--region` option: which country's emergency numbers and services the result names.

Chosen by `--region`, else `CRAMPS_REGION`, else the country of the locale (LANG=en_AU.UTF-8 ->
au) when the knowledge base has a region for it, else the knowledge base's default (neutral
wording with the common numbers).

No `from __future__ import annotations` (see check.py).
"""

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from ..engine.model import KnowledgeBase

RegionOption = Annotated[
    str | None,
    typer.Option(
        "--region",
        envvar="CRAMPS_REGION",
        metavar="CODE",
        help="Where you are, for emergency numbers and health services: uk, ie, us, ca, au, "
        "nz, eu or neutral (default: from the locale, else neutral).",
    ),
]


def choose_region(kb: "KnowledgeBase", asked: str | None) -> str | None:
    """The region code to assess in, or None when the knowledge base defines no regions."""
    from ..console.locale import locale_name
    from ..engine.region import region_for_locale
    from ..errors import UsageError

    if not kb.regions or kb.default_region is None:
        return None
    if asked is not None and asked.strip():
        code = asked.strip().lower()
        if code not in kb.regions:
            known = ", ".join(sorted(kb.regions))
            raise UsageError(f"--region {asked}: not a region of this knowledge base ({known})")
        return code
    return region_for_locale(kb.regions, kb.default_region, locale_name())
