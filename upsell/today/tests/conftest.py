from upsell.today.tests.world import frozen, world

__all__ = ["frozen", "world"]
