"""Small helpers shared by the tests."""

from prometheus_client.parser import text_string_to_metric_families


def samples(exposition: str) -> list:
    """All samples of a Prometheus text exposition, as parsed objects."""
    return [
        sample
        for family in text_string_to_metric_families(exposition)
        for sample in family.samples
    ]


def sample_value(exposition: str, name: str, **labels) -> float:
    """The value of the sample ``name`` whose labels include ``labels``; 0 if absent."""
    for sample in samples(exposition):
        if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
            return sample.value
    return 0.0
