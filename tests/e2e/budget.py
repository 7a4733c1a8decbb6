"""Counting what a person does to finish a task, for the task-budget tests.

A task-budget test drives the pages through `Steps` instead of the page itself, so every
tap and every field typed into is counted; the test then asserts the count against the
budget in the issue ("ask for help: 3 taps and nothing typed but an optional note").
Navigation the person does not do (opening home) is free; everything else counts.
"""

from dataclasses import dataclass, field


@dataclass
class Steps:
    page: object
    taps: int = 0
    typed: list[str] = field(default_factory=list)
    log: list[str] = field(default_factory=list)

    def tap(self, locator) -> None:
        """One tap on a button, link, chip or checkbox."""
        locator.click()
        self.taps += 1
        self.log.append(f"tap {locator}")

    def type(self, locator, text: str, *, what: str) -> None:
        """Typing into one field; `what` names it (e.g. "note"), so a test can allow only
        optional free text."""
        locator.fill(text)
        self.typed.append(what)
        self.log.append(f"type {what}")

    def within(self, taps: int, *, may_type: tuple[str, ...] = ()) -> None:
        """Fail when the task took more taps than the budget or typing beyond `may_type`."""
        extra = [what for what in self.typed if what not in may_type]
        assert self.taps <= taps and not extra, (
            f"task took {self.taps} taps (budget {taps}) and typing in {self.typed} "
            f"(allowed {list(may_type)}): {self.log}"
        )
