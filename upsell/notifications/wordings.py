"""A notification keeps facts (its kind and its figures), not a sentence, so that each reader
reads it in their own language, whoever caused it and in whatever language.

The app that sends a kind says how it reads, in its ``AppConfig.ready``, as it registers its
menu count: this app sits below every app that tells people something and reads none of their
models.
"""

from collections.abc import Callable, Mapping
from typing import Any

Params = Mapping[str, Any]
Wording = Callable[[Params], str]

_WORDINGS: dict[str, Wording] = {}


def notification_kind_register(kind: str, wording: Wording) -> None:
    _WORDINGS[kind] = wording


def notification_wording(kind: str, params: Params) -> str | None:
    """The sentence of a kind in the active language; ``None`` for a kind nobody registered
    (a notification kept from before kinds, or of an app no longer installed)."""
    wording = _WORDINGS.get(kind)
    return None if wording is None else wording(params)
