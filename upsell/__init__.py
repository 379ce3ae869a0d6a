"""Upsell: managed upsell to the existing client base of a B2B company."""
