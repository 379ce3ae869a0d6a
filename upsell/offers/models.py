"""What to offer each client: the nightly suggestions of products and product groups it does
not buy but clients like it do.

A run (``SuggestionRun``) is one night's computation at one level, products or product groups:
the model the time-split backtest chose, each candidate's scores and what was counted. Runs are
kept as history; only the latest run of each level keeps its suggestions, which replace the
previous run's. A suggestion's reason is a count in the same purchases: ``buyers`` of the
``among`` clients who buy the client's own ``because_of`` product (or group) buy it too; without
one, ``among`` counts every client who bought anything.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from upsell.core.models import money_field


class SuggestionLevel(models.TextChoices):
    PRODUCTS = "products", _("Products")
    GROUPS = "groups", _("Product groups")


class SuggestionRun(models.Model):
    level = models.CharField(_("level"), max_length=10, choices=SuggestionLevel.choices)
    computed_at = models.DateTimeField(_("computed at"))
    as_of = models.DateField(_("as of"))
    # Blank when the history was too little to choose a model (``note`` says why).
    model = models.CharField(_("model"), max_length=20, blank=True)
    params = models.JSONField(_("parameters"), default=dict)
    # Per candidate model: eligible, reason, recall@k, nDCG@k, parameters (EASE's λ grid).
    backtest = models.JSONField(_("backtest"), default=dict)
    k = models.PositiveSmallIntegerField(_("suggestions per client"))
    clients = models.PositiveIntegerField(_("clients"), default=0)
    items = models.PositiveIntegerField(_("products or groups"), default=0)
    clients_scored = models.PositiveIntegerField(_("clients scored in the backtest"), default=0)
    suggestions = models.PositiveIntegerField(_("suggestions"), default=0)
    too_little_data = models.BooleanField(_("too little data"), default=False)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("suggestion run")
        verbose_name_plural = _("suggestion runs")
        ordering = ["-computed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__in=SuggestionLevel.values), name="offers_run_level_valid"
            ),
            models.CheckConstraint(
                condition=Q(too_little_data=True, model="")
                | Q(too_little_data=False) & ~Q(model=""),
                name="offers_run_model_unless_too_little_data",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.as_of:%Y-%m-%d}"


class Suggestion(models.Model):
    run = models.ForeignKey(
        SuggestionRun, on_delete=models.CASCADE, related_name="+", verbose_name=_("run")
    )
    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.CASCADE,
        related_name="suggestions",
        verbose_name=_("client"),
    )
    # A product, or (on a run of groups) a product group by name.
    product = models.ForeignKey(
        "products.Product",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("product"),
    )
    group = models.CharField(_("group"), max_length=200, blank=True)
    rank = models.PositiveSmallIntegerField(_("rank"))
    score = models.FloatField(_("score"))
    buyers = models.PositiveIntegerField(_("buyers"))
    among = models.PositiveIntegerField(_("among"))
    because_of = models.ForeignKey(
        "products.Product",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("because of"),
    )
    because_of_group = models.CharField(_("because of the group"), max_length=200, blank=True)
    # What a client that bought the item over the last year spent on it in an average month: the
    # revenue at stake if this client takes it up as its peers did.
    monthly_amount = money_field(_("a buyer's month"), default=0)

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        ordering = ["client", "run", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "run", "rank"], name="offers_suggestion_rank_unique"
            ),
            models.CheckConstraint(
                condition=Q(product__isnull=False, group="")
                | Q(product__isnull=True) & ~Q(group=""),
                name="offers_suggestion_product_or_group",
            ),
            models.CheckConstraint(
                condition=Q(rank__gte=1), name="offers_suggestion_rank_positive"
            ),
            models.CheckConstraint(
                condition=Q(buyers__lte=models.F("among")), name="offers_suggestion_buyers_among"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client_id} #{self.rank}: {self.product_id or self.group}"
