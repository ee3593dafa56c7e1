"""Record on a GPU, replay anywhere: the call log, the recorder, the verified store, the publisher, the player."""
