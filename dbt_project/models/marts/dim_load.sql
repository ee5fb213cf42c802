-- Every raw load the mart is built from, with its provenance: the answer to "where does this
-- number come from?" together with fct_indicator_value.source_load_ids.
with

loads as (
    select * from {{ ref('stg_registry__loads') }}
),

sources as (
    select * from {{ ref('stg_registry__sources') }}
),

final as (
    select
        loads.load_id,
        loads.source_id,
        loads.origin,
        loads.is_sample,
        loads.payload_sha256,
        loads.fetched_at,
        loads.operator_file,
        loads.urls,
        loads.rows,
        loads.publisher_url,
        sources.publisher,
        sources.licence,
        sources.licence_url,
    from loads
    inner join sources using (source_id)
)

select * from final
