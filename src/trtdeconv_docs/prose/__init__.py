"""What the pages' prose says the same way in both editions: the units of its quantities (:mod:`.units`)."""
