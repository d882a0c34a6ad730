"""Stage 5b, views: the graph as networks people look at.

In: a built store. Out: networkx graphs of a view (``project``: all, countries, ego,
topics), their layout (``layout``), analytics (``analytics``: centrality, communities,
GraphML/GEXF) and the one-file offline HTML explorer (``html`` with its ``explorer/`` assets).
"""
