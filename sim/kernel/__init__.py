"""The simulation itself: the SimPy environment, the scheduler and the entities it moves."""
