"""The media subgraph: the blog (owns `Article`, `Rubric`, tags; adds `Place.articles`,
`City.articles`). See docs/content-subgraphs.md."""
