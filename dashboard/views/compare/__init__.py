"""The Compare view: where to run, answered on the first screen."""
