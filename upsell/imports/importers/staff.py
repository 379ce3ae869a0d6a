"""Staff: the people of the sales team, their roles, and whom each assistant serves.

A person is matched by login; a row without one (or with a login not stored yet) by ФИО,
which must then name one user. An assistant's Руководитель names the manager it assists
(several are separated by commas or semicolons): each must be a manager, in this file or
already stored. For other roles Руководитель is not stored anywhere and is not checked.
"""

import polars as pl
from django.utils.translation import gettext as _

from upsell.accounts.models import Role, User
from upsell.accounts.services import (
    SaveOutcome,
    StaffMember,
    can_change_users,
    staff_member_save,
)
from upsell.imports.formats.readers import ROW
from upsell.imports.formats.values import quoted
from upsell.imports.importers.base import MESSAGE, Importer, repeats_check
from upsell.imports.models import ImportKind

ROLE_WORDS: dict[str, Role] = {
    "руководитель отдела продаж": Role.HEAD_OF_SALES,
    "head_of_sales": Role.HEAD_OF_SALES,
    "head of sales": Role.HEAD_OF_SALES,
    "топ-менеджмент": Role.TOP_MANAGEMENT,
    "топ менеджмент": Role.TOP_MANAGEMENT,
    "top_management": Role.TOP_MANAGEMENT,
    "top management": Role.TOP_MANAGEMENT,
    "менеджер": Role.MANAGER,
    "manager": Role.MANAGER,
    "ассистент": Role.ASSISTANT,
    "ассистент менеджера": Role.ASSISTANT,
    "assistant": Role.ASSISTANT,
    "администратор": Role.ADMIN,
    "admin": Role.ADMIN,
    "administrator": Role.ADMIN,
}
_USERNAME = r"^[\w.@+-]+$"
_EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class StaffImporter(Importer):
    kind = ImportKind.STAFF
    text_limits = {"full_name": 200, "username": 150, "email": 254}

    def refusal(self) -> str:
        if can_change_users(self.context.imported_by):
            return ""
        return _("only the administrator imports staff files: they add people and set their roles")

    def check(self, frame: pl.DataFrame) -> pl.DataFrame:
        frame = self.cleaned(frame)
        columns = self.columns
        frame = frame.with_columns(
            pl.lit(None, dtype=pl.String).alias(name)
            for name in ("username", "supervisor", "email")
            if not columns.has(name)
        )
        word = (
            pl.col("role").str.to_lowercase().str.replace_all("ё", "е").str.replace_all(r"\s+", " ")
        )
        frame = frame.with_columns(
            word.replace_strict(ROLE_WORDS, default=None, return_dtype=pl.String).alias(
                "role_value"
            )
        )
        self.problems.add(
            frame,
            where=pl.col("role").is_not_null() & pl.col("role_value").is_null(),
            field="role",
            message=pl.concat_str(
                pl.lit(_("unknown role ")),
                quoted(pl.col("role")),
                pl.lit(
                    _(": write one of {roles}").format(
                        roles=", ".join(
                            [
                                "Руководитель отдела продаж",
                                "ТОП-менеджмент",
                                "Менеджер",
                                "Ассистент",
                                "Администратор",
                            ]
                        )
                    )
                ),
            ),
        )
        if columns.has("username"):
            self.problems.add(
                frame,
                where=~pl.col("username").str.contains(_USERNAME),
                field="username",
                message=_("a login holds only letters, digits and . @ + - _"),
            )
        if columns.has("email"):
            self.problems.add(
                frame,
                where=~pl.col("email").str.contains(_EMAIL),
                field="email",
                message=pl.concat_str(
                    pl.lit(_("not an e-mail address: ")), quoted(pl.col("email"))
                ),
            )
        everyone = pl.lit(value=True)
        repeats_check(frame, self.problems, key="username", field="username", among=everyone)
        repeats_check(frame, self.problems, key="full_name", field="full_name", among=everyone)
        return frame.with_columns(
            pl.col("supervisor")
            .str.replace_all(";", ",")
            .str.split(",")
            .list.eval(pl.element().str.strip_chars().filter(pl.element() != ""))
            .alias("supervisors")
        )

    def resolve(self, frame: pl.DataFrame) -> pl.DataFrame:
        rows = frame.to_dicts()
        by_username = {
            user.username: user
            for user in User.objects.filter(
                username__in=[row["username"] for row in rows if row["username"]]
            )
        }
        names = {row["full_name"] for row in rows} | {
            name for row in rows for name in (row["supervisors"] or [])
        }
        by_name: dict[str, list[User]] = {}
        for user in User.objects.filter(full_name__in=names).order_by("pk"):
            by_name.setdefault(user.full_name, []).append(user)
        file_roles = {row["full_name"]: row["role_value"] for row in rows}
        problems: list[tuple[int, str, str]] = []
        user_ids: list[int | None] = []
        for row in rows:
            match = by_username.get(row["username"] or "")
            namesakes = by_name.get(row["full_name"], [])
            if match is None and len(namesakes) > 1:
                problems.append(
                    (
                        row[ROW],
                        "full_name",
                        _("{count} users have this full name: give the login to tell which").format(
                            count=len(namesakes)
                        ),
                    )
                )
            elif match is None and namesakes:
                match = namesakes[0]
            user_ids.append(match.pk if match else None)
            if row["role_value"] == Role.ASSISTANT:
                for name in row["supervisors"] or []:
                    role = file_roles.get(name) or (
                        by_name[name][0].role if len(by_name.get(name, [])) == 1 else None
                    )
                    if role is None:
                        message = _("no manager has the full name «{name}»").format(name=name)
                    elif role != Role.MANAGER:
                        message = _("«{name}» is not a manager").format(name=name)
                    else:
                        continue
                    problems.append((row[ROW], "supervisor", message))
        for field in ("full_name", "supervisor"):
            found = [(row, message) for row, name, message in problems if name == field]
            if found:
                self.problems.add_rows(
                    pl.DataFrame(found, schema={ROW: pl.Int64, MESSAGE: pl.String}, orient="row"),
                    field=field,
                )
        return frame.with_columns(pl.Series("user_id", user_ids, dtype=pl.Int64))

    def write(self, frame: pl.DataFrame) -> None:
        rows = frame.to_dicts()
        users = {
            user.pk: user
            for user in User.objects.filter(
                pk__in=frame.get_column("user_id").drop_nulls().to_list()
            )
        }
        saved: dict[str, User] = {}
        outcomes: list[SaveOutcome] = []
        # Managers first: an assistant's row names them.
        for row in sorted(rows, key=lambda row: row["role_value"] == Role.ASSISTANT):
            assists = None
            if row["role_value"] == Role.ASSISTANT and self.columns.has("supervisor"):
                assists = tuple(
                    saved.get(name) or User.objects.get(full_name=name)
                    for name in row["supervisors"] or []
                )
            member = StaffMember(
                full_name=row["full_name"],
                role=Role(row["role_value"]),
                username=row["username"] or "",
                email=(row["email"] or "") if self.columns.has("email") else None,
                assists=assists,
            )
            user, outcome = staff_member_save(
                member=member, user=users.get(row["user_id"]), by=self.context.imported_by
            )
            saved[user.full_name] = user
            outcomes.append(outcome)
        self.context.progress(len(rows), len(rows))
        self.counts.add(
            "users",
            created=outcomes.count(SaveOutcome.CREATED),
            updated=outcomes.count(SaveOutcome.UPDATED),
            unchanged=outcomes.count(SaveOutcome.UNCHANGED),
        )
