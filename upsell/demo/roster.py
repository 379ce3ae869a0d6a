"""The demo company's clients as columns: one array per attribute, one row per client.

Only numbers are kept for every client (a million clients fit in a few tens of megabytes);
names and taxpayer numbers are spelled out for a slice of clients when a file needs them.
"""

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from upsell.demo.behaviours import BEHAVIOURS, Behaviour, behaviour_counts, code_of
from upsell.demo.catalogue import (
    CONSTRUCTION,
    DEALER,
    INSTALLATION,
    MANUFACTURING,
    PRICE_CATEGORY_FACTORS,
    RETAIL,
)
from upsell.demo.names import (
    BRAND_ENDINGS,
    BRAND_STEMS,
    LEGAL_FORMS,
    REGIONS,
    brand_name,
    person_capacity,
    person_name,
    scatter,
)
from upsell.demo.staff import MANAGERS
from upsell.demo.tax_ids import (
    ENTREPRENEUR_SPAN,
    ORGANISATION_SPAN,
    entrepreneur_tax_ids,
    organisation_tax_ids,
)

VIP = code_of(Behaviour.VIP)
PARTNER = code_of(Behaviour.PARTNER)
BUDGETING = code_of(Behaviour.BUDGETING)

# A typical order of a client of each segment, in roubles at today's prices (the median).
ORDER_VALUE_BY_SEGMENT = (150_000.0, 90_000.0, 70_000.0, 30_000.0, 45_000.0)
ORDER_VALUE_BY_BEHAVIOUR = {
    Behaviour.IRREGULAR: 0.8,
    Behaviour.ONE_TIME: 0.6,
    Behaviour.NEW: 0.7,
    Behaviour.LOST: 0.8,
    Behaviour.PARTNER: 1.4,
    Behaviour.BUDGETING: 1.3,
}
ENTREPRENEUR_SHARE = 0.18
PAYMENT_TERMS = (14, 30, 45)
# Most clients pay on time, some are often late, a few are always late.
PUNCTUAL, OFTEN_LATE, CHRONICALLY_LATE = range(3)
DISCIPLINE_SHARES = (0.8, 0.15, 0.05)
# VIPs are served by the senior managers, dealers by the dealer channel.
VIP_MANAGERS = (0, 1, 2, 3)
PARTNER_MANAGERS = (6, 7)


@dataclass(frozen=True)
class Roster:
    behaviour: NDArray[np.int64]  # index into BEHAVIOURS
    entrepreneur: NDArray[np.bool_]  # ИП rather than an organisation
    ordinal: NDArray[np.int64]  # number among organisations, or among entrepreneurs
    legal_form: NDArray[np.int64]  # index into LEGAL_FORMS (organisations)
    region: NDArray[np.int64]  # index into REGIONS
    segment: NDArray[np.int64]  # index into SEGMENTS
    manager: NDArray[np.int64]  # index among the staff's managers
    price_category: NDArray[np.int64]  # index into PRICE_CATEGORY_FACTORS
    payment_term: NDArray[np.int64]  # days
    discipline: NDArray[np.int64]  # PUNCTUAL, OFTEN_LATE or CHRONICALLY_LATE
    order_value: NDArray[np.float64]  # a typical order, roubles at today's prices
    vip_weight: NDArray[np.float64]  # a VIP's size relative to the others (0 for the rest)
    # For a budgeting client, the share of its purchase budget it spends with us (0 for the rest).
    budget_share: NDArray[np.float64]
    brand_offset: int
    person_offset: int
    organisation_tax_offset: int
    entrepreneur_tax_offset: int

    def __len__(self) -> int:
        return len(self.behaviour)


def _choice(rng: np.random.Generator, size: int, shares: tuple[float, ...]) -> NDArray[np.int64]:
    weights = np.array(shares, dtype=np.float64)
    result: NDArray[np.int64] = rng.choice(len(shares), size=size, p=weights / weights.sum())
    return result


def roster_build(*, clients: int, rng: np.random.Generator) -> Roster:
    counts = behaviour_counts(clients=clients)
    behaviour = np.repeat(
        np.arange(len(BEHAVIOURS), dtype=np.int64), [counts[item] for item in BEHAVIOURS]
    )
    rng.shuffle(behaviour)
    is_vip = behaviour == VIP
    is_partner = behaviour == PARTNER
    is_budgeting = behaviour == BUDGETING
    large = is_vip | is_partner | is_budgeting

    entrepreneur = ~large & (rng.random(clients) < ENTREPRENEUR_SHARE)
    ordinal = np.where(
        entrepreneur, np.cumsum(entrepreneur) - 1, np.cumsum(~entrepreneur) - 1
    ).astype(np.int64)
    legal_form = np.where(
        is_vip,
        _choice(rng, clients, (0.5, 0.35, 0.05, 0.1)),
        _choice(rng, clients, (0.86, 0.09, 0.04, 0.01)),
    )
    region = _choice(rng, clients, tuple(region.weight for region in REGIONS))

    segment = _choice(rng, clients, (0.05, 0.3, 0.2, 0.2, 0.25))
    segment = np.where(
        entrepreneur, np.where(rng.random(clients) < 0.6, RETAIL, INSTALLATION), segment
    )
    segment = np.where(
        is_vip, np.where(rng.random(clients) < 0.6, CONSTRUCTION, MANUFACTURING), segment
    )
    segment = np.where(
        is_budgeting, np.where(rng.random(clients) < 0.55, MANUFACTURING, CONSTRUCTION), segment
    )
    segment = np.where(is_partner, DEALER, segment)

    load = rng.uniform(0.7, 1.3, MANAGERS)
    manager = _choice(rng, clients, tuple(load))
    manager = np.where(is_vip, rng.choice(VIP_MANAGERS, clients), manager)
    manager = np.where(is_partner, rng.choice(PARTNER_MANAGERS, clients), manager)

    price_category = np.where(entrepreneur & (segment == RETAIL), 0, 1)
    price_category = np.where(is_vip | is_budgeting, 2, price_category)
    price_category = np.where(is_partner, len(PRICE_CATEGORY_FACTORS) - 1, price_category)

    payment_term = np.array(PAYMENT_TERMS)[_choice(rng, clients, (0.45, 0.4, 0.15))]
    payment_term = np.where(
        large, np.array(PAYMENT_TERMS)[rng.integers(1, 3, clients)], payment_term
    )
    discipline = _choice(rng, clients, DISCIPLINE_SHARES)

    behaviour_factor = np.array([ORDER_VALUE_BY_BEHAVIOUR.get(item, 1.0) for item in BEHAVIOURS])[
        behaviour
    ]
    order_value = (
        np.array(ORDER_VALUE_BY_SEGMENT)[segment]
        * behaviour_factor
        * np.where(entrepreneur, 0.5, 1.0)
        * rng.lognormal(0.0, 0.55, clients)
    )
    vip_weight = np.where(is_vip, rng.uniform(0.92, 1.08, clients), 0.0)
    budget_share = np.where(is_budgeting, rng.uniform(0.22, 0.58, clients), 0.0)
    return Roster(
        behaviour=behaviour,
        entrepreneur=entrepreneur,
        ordinal=ordinal,
        legal_form=legal_form,
        region=region,
        segment=segment,
        manager=manager,
        price_category=price_category,
        payment_term=payment_term,
        discipline=discipline,
        order_value=order_value,
        vip_weight=vip_weight,
        budget_share=budget_share,
        brand_offset=int(rng.integers(1 << 40)),
        person_offset=int(rng.integers(1 << 40)),
        organisation_tax_offset=int(rng.integers(ORGANISATION_SPAN)),
        entrepreneur_tax_offset=int(rng.integers(ENTREPRENEUR_SPAN)),
    )


def client_names(*, roster: Roster, start: int, stop: int) -> list[str]:
    """The names of clients ``start``…``stop - 1``: 'ООО "Техноснаб"', 'ИП Иванов Пётр Ильич'."""
    entrepreneur = roster.entrepreneur[start:stop]
    ordinal = roster.ordinal[start:stop]
    organisations = int(np.count_nonzero(~roster.entrepreneur))
    # Plain trade names come first; decorated ones only when the plain ones run out.
    brand_span = max(organisations, len(BRAND_STEMS) * len(BRAND_ENDINGS))
    brands = scatter(ordinal, span=brand_span, offset=roster.brand_offset % brand_span)
    person_span = max(len(roster) - organisations, 2 * person_capacity())
    people = scatter(ordinal, span=person_span, offset=roster.person_offset % person_span)
    forms = roster.legal_form[start:stop]
    return [
        f"ИП {person_name(person // 2, female=bool(person % 2))}"
        if is_entrepreneur
        else f'{LEGAL_FORMS[form]} "{brand_name(brand)}"'
        for is_entrepreneur, brand, person, form in zip(
            entrepreneur.tolist(), brands.tolist(), people.tolist(), forms.tolist(), strict=True
        )
    ]


def client_tax_ids(*, roster: Roster, start: int, stop: int) -> list[str]:
    entrepreneur = roster.entrepreneur[start:stop]
    ordinal = roster.ordinal[start:stop]
    region_codes = np.array([region.tax_code for region in REGIONS], dtype=np.int64)[
        roster.region[start:stop]
    ]
    organisation_ids = iter(
        organisation_tax_ids(
            ordinals=ordinal[~entrepreneur],
            regions=region_codes[~entrepreneur],
            offset=roster.organisation_tax_offset,
        )
    )
    entrepreneur_ids = iter(
        entrepreneur_tax_ids(
            ordinals=ordinal[entrepreneur],
            regions=region_codes[entrepreneur],
            offset=roster.entrepreneur_tax_offset,
        )
    )
    return [
        next(entrepreneur_ids) if is_entrepreneur else next(organisation_ids)
        for is_entrepreneur in entrepreneur.tolist()
    ]
