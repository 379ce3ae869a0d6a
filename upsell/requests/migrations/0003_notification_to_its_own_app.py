from django.db import migrations


class Migration(migrations.Migration):
    """Notifications move to their own app: the table is renamed for it, and this app forgets
    the model (``notifications.0001`` takes it over)."""

    dependencies = [
        ("order_requests", "0002_lines_and_order_number"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name="Notification", table="notifications_notification"),
            ],
            state_operations=[
                migrations.DeleteModel(name="Notification"),
            ],
        ),
    ]
