from django.db import migrations, models

COMPLEX_RULES = ("amount", "discount", "lines", "overdue_debt", "payment_delay", "product_groups")


def complexity_from_routing(apps, schema_editor):
    """A request is complex when the rule that routed it when it was taken was complex: its
    current rule, or (a request moved by hand since) the rule of its first history row."""
    OrderRequest = apps.get_model("order_requests", "OrderRequest")
    OrderRequestChange = apps.get_model("order_requests", "OrderRequestChange")
    OrderRequest.objects.filter(routed_by_rule__in=COMPLEX_RULES).update(
        complex_rule=models.F("routed_by_rule")
    )
    first = (
        OrderRequestChange.objects.filter(request=models.OuterRef("pk"))
        .order_by("changed_at", "id")
        .values("rule")[:1]
    )
    for request_id, rule in (
        OrderRequest.objects.filter(complex_rule="")
        .annotate(first_rule=models.Subquery(first))
        .filter(first_rule__in=COMPLEX_RULES)
        .values_list("pk", "first_rule")
    ):
        OrderRequest.objects.filter(pk=request_id).update(complex_rule=rule)


class Migration(migrations.Migration):
    dependencies = [
        ("order_requests", "0003_notification_to_its_own_app"),
    ]

    operations = [
        migrations.RenameField(
            model_name="orderrequest", old_name="routing_reason", new_name="routing_note"
        ),
        migrations.AddField(
            model_name="orderrequest",
            name="routing_facts",
            field=models.JSONField(blank=True, default=dict, verbose_name="routing figures"),
        ),
        migrations.AddField(
            model_name="orderrequest",
            name="complex_rule",
            field=models.CharField(
                blank=True,
                choices=[
                    ("motivated", "Motivated client: its manager"),
                    ("spontaneous", "Spontaneous client: its assistant"),
                    ("no_assistant", "Spontaneous client without an assistant: its manager"),
                    ("no_manager", "Client without a manager: the head of sales decides"),
                    ("amount", "Complex: amount above the threshold"),
                    ("lines", "Complex: too many lines"),
                    ("product_groups", "Complex: products from chosen groups"),
                    ("discount", "Complex: discount beyond the standard"),
                    ("payment_delay", "Complex: payment delay beyond the standard"),
                    ("overdue_debt", "Complex: the client has overdue debt"),
                    ("manual", "Reassigned by hand"),
                    ("rebalancing", "Moved with its client by the rebalancing"),
                ],
                max_length=20,
                verbose_name="complex by",
            ),
        ),
        migrations.AddField(
            model_name="orderrequest",
            name="complex_facts",
            field=models.JSONField(blank=True, default=dict, verbose_name="complexity figures"),
        ),
        migrations.AddField(
            model_name="orderrequestchange",
            name="facts",
            field=models.JSONField(blank=True, default=dict, verbose_name="figures"),
        ),
        migrations.RunPython(complexity_from_routing, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="orderrequest",
            constraint=models.CheckConstraint(
                condition=models.Q(("complex_rule", ""))
                | models.Q(("complex_rule__in", list(COMPLEX_RULES))),
                name="order_requests_request_complex_rule_valid",
            ),
        ),
    ]
