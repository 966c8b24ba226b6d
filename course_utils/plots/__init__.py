"""plots: the figure convention (`plotting`) and every plot function. `X_plots` draws what
measure/X computes. Each plot function takes data and an optional `ax` and returns it.
"""
