"""Named results: frozen dataclasses, never bare tuples. Every field is documented where the
result is defined; arrays are numpy arrays owned by the result."""
import dataclasses


def result(cls):
    """A frozen dataclass built from the C++ dict by from_dict()."""
    cls = dataclasses.dataclass(frozen=True)(cls)

    def from_dict(klass, d, **extra):
        names = {f.name for f in dataclasses.fields(klass)}
        return klass(**{k: v for k, v in {**d, **extra}.items() if k in names})

    cls.from_dict = classmethod(from_dict)
    return cls
