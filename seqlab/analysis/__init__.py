"""Analysis plugs into training through callbacks (seqlab.training.callbacks) and reads its records afterwards."""


def recorders() -> list:
    """The callbacks every training should carry: gradient recording (for runs whose config asks for it) and, for a
    music task, the melodies written after every epoch. Each leaves other runs alone and the numbers unchanged."""
    from seqlab.analysis.diagnostics import GradientRecording
    from seqlab.analysis.music import MelodyWriting

    return [GradientRecording(), MelodyWriting()]
