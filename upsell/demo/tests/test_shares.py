from upsell.demo import Behaviour
from upsell.demo.behaviours import SHARES, behaviour_counts


def test_shares_add_up_to_the_whole_client_base():
    assert round(sum(SHARES.values()), 9) == 1
    assert set(SHARES) == set(Behaviour)


def test_default_company_counts_follow_the_shares_exactly():
    counts = behaviour_counts(clients=2000)

    assert counts == {behaviour: round(share * 2000) for behaviour, share in SHARES.items()}


def test_from_twelve_clients_every_behaviour_is_there():
    assert set(behaviour_counts(clients=12).values()) == {1}
    assert sum(behaviour_counts(clients=13).values()) == 13
    assert min(behaviour_counts(clients=13).values()) == 1


def test_a_handful_of_clients_gets_the_largest_behaviours():
    counts = behaviour_counts(clients=3)

    assert {behaviour for behaviour, count in counts.items() if count} == {
        Behaviour.IRREGULAR,
        Behaviour.STEADY,
        Behaviour.ONE_TIME,
    }
    assert sum(counts.values()) == 3
