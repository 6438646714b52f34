"""seqlab: train RNN, LSTM and GRU models side by side and see how they learn."""

__version__ = "0.1.0"
