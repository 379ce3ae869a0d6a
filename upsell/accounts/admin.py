"""The Django admin of users and teams, and the role-based access every admin page uses.

Roles, not Django's per-model permissions, decide who may do what in Upsell, so each model admin
says which roles may view and which may change it. The admin site itself still admits staff
accounts only (``is_staff``).
"""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from upsell.accounts.models import Role, Team, User


class RoleAdmin(admin.ModelAdmin[Any]):
    """A model admin open to the roles in ``viewing_roles`` and ``changing_roles``.

    Superusers may do everything, except change what is ``read_only`` (records that change
    only through the application: imports, a client's card). Changing implies viewing; adding
    and deleting follow changing unless ``addable`` / ``deletable`` turn them off.
    """

    viewing_roles: frozenset[str] = frozenset()
    changing_roles: frozenset[str] = frozenset()
    read_only = False
    addable = True
    deletable = True

    def may_view(self, user: User) -> bool:
        return user.is_superuser or user.role in self.viewing_roles or self.may_change(user)

    def may_change(self, user: User) -> bool:
        return not self.read_only and (user.is_superuser or user.role in self.changing_roles)

    def _allows(self, request: HttpRequest, *, change: bool) -> bool:
        user = request.user
        if not isinstance(user, User) or not user.is_active:
            return False
        return self.may_change(user) if change else self.may_view(user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allows(request, change=False)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allows(request, change=False)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allows(request, change=True)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self.addable and self._allows(request, change=True)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.deletable and self._allows(request, change=True)


class ManagedTeamInline(admin.StackedInline[Team, User]):
    model = Team
    fk_name = "manager"
    filter_horizontal = ("assistants",)
    extra = 0
    max_num = 1
    verbose_name = _("team of this manager")
    verbose_name_plural = _("team of this manager")

    def has_add_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        return (
            obj is not None
            and obj.role == Role.MANAGER
            and super().has_add_permission(request, obj)
        )


@admin.register(User)
class UserAdmin(RoleAdmin, DjangoUserAdmin[User]):
    changing_roles = frozenset({Role.ADMIN})
    deletable = False  # people leave: deactivate them, their clients and history stay
    list_display = (
        "username", "full_name", "role", "team_names", "is_active", "is_staff", "last_login",
    )  # fmt: skip
    list_filter = ("role", "is_active", "is_staff")
    search_fields = ("username", "full_name", "first_name", "last_name", "email")
    ordering = ("full_name", "username")
    inlines = (ManagedTeamInline,)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("In Upsell"), {"fields": ("full_name", "role", "email", "assisted_team_names")}),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "full_name",
                    "role",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    readonly_fields = ("assisted_team_names", "last_login", "date_joined")

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return (
            super()
            .get_queryset(request)
            .select_related("team")
            .prefetch_related("team__assistants", "assisted_teams__manager")
        )

    @admin.display(description=_("team"))
    def team_names(self, user: User) -> str:
        """A manager's assistants; the managers an assistant works for."""
        if user.role == Role.MANAGER:
            team = getattr(user, "team", None)  # a manager without a team has none to show
            names = [str(assistant) for assistant in team.assistants.all()] if team else []
        else:
            names = [str(team) for team in user.assisted_teams.all()]
        return ", ".join(names) or "—"

    @admin.display(description=_("assists the teams of"))
    def assisted_team_names(self, user: User) -> str:
        return ", ".join(str(team) for team in user.assisted_teams.all()) or "—"

    def get_inline_instances(self, request: HttpRequest, obj: User | None = None) -> list[Any]:
        if obj is None or obj.role != Role.MANAGER:
            return []
        return super().get_inline_instances(request, obj)


@admin.register(Team)
class TeamAdmin(RoleAdmin):
    changing_roles = frozenset({Role.ADMIN})
    viewing_roles = frozenset({Role.HEAD_OF_SALES})
    list_display = ("manager", "assistant_names")
    search_fields = ("manager__full_name", "manager__username")
    filter_horizontal = ("assistants",)
    autocomplete_fields = ("manager",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Team]:
        return (
            super().get_queryset(request).select_related("manager").prefetch_related("assistants")
        )

    @admin.display(description=_("assistants"))
    def assistant_names(self, team: Team) -> str:
        return ", ".join(str(assistant) for assistant in team.assistants.all()) or "—"
