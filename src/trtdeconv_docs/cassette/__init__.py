"""Record on a GPU, replay anywhere: the mode, the call log, the Recording/Run model, the verified store and its publisher, the recorder, the player and the runner of examples."""
