import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """Takes over the notifications table the requests app kept until now (renamed by
    ``order_requests.0003``) with its rows, then gives its index this app's name."""

    initial = True

    dependencies = [
        ("order_requests", "0003_notification_to_its_own_app"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Notification",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("text", models.CharField(max_length=500, verbose_name="text")),
                        ("url", models.CharField(blank=True, max_length=300, verbose_name="link")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                        ("read_at", models.DateTimeField(blank=True, null=True, verbose_name="read")),
                        ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="notifications", to=settings.AUTH_USER_MODEL, verbose_name="user")),
                    ],
                    options={
                        "verbose_name": "notification",
                        "verbose_name_plural": "notifications",
                        "ordering": ["-created_at", "-id"],
                        "indexes": [models.Index(fields=["user", "read_at"], name="order_requests_unread_idx")],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RenameIndex(
            model_name="notification",
            new_name="notifications_unread_idx",
            old_name="order_requests_unread_idx",
        ),
    ]
