"""TypeScript and JavaScript analyses: the facts rules judge, read from tree-sitter trees.

`tree` parses a file once and indexes the nodes rules ask for in one query
run in C; `names` resolves imports and `require`; `objects` follows client
objects through variables and class fields. Rules never walk a tree node by
node from Python: each file's nodes of interest come from that one index.
"""
