"""Event-coding machinery shared by the events stage and pair coding: modality and arguments."""
