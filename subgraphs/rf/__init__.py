"""The rf (Russian Friendly) subgraph: partners, their services and vouchers (owns `Partner`,
`Voucher`; adds `Place.rfPartner`). See docs/content-subgraphs.md."""
