"""What every Go2Asia subgraph has in common. Import from the modules, not from here:

settings       ServiceSettings (one subclass per subgraph), DatabaseSettings
db             engine, sessions that know their subgraph, transaction(), make_metadata()
identity       Identity / Role / GUEST, sign_identity / verify_identity, require_* (router too)
errors         DomainError tree -> extensions.code; error_mapping is where that happens
validation     clean_* input cleaners and FieldCheck -> BadUserInput(fields=...)
pagination     Connection / Edge / PageInfo, cursors, page_size()
events         emit(), Dispatcher, transports, ConsumerRegistry, apply_event, TOPOLOGY
tables         per-schema platform tables: outbox, outbox_delivery, processed_events, seed_history
migrations     upgrade(service, url); `python -m shared.migrations <service>...`
seed           run_seeds(); `python -m shared.seed <service>...`
app            create_subgraph_app(): FastAPI + Strawberry federation + probes + outbox lifespan
context        SubgraphContext: identity, request id, loaders, services, transaction()
logging        JSON log lines with the request id; request_id middleware
federation     FEDERATION_VERSION
"""
