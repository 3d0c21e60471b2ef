"""The domain: tags, values, the tag store and the plant model. Pure Python."""
