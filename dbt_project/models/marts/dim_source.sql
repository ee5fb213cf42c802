with

sources as (
    select * from {{ ref('stg_registry__sources') }}
),

source_state as (
    select * from {{ ref('stg_registry__source_state') }}
),

final as (
    select
        sources.source_id,
        sources.name,
        sources.domain,
        sources.publisher,
        sources.licence,
        sources.licence_url,
        sources.attribution,
        source_state.is_sample,
        source_state.last_load_id,
        source_state.last_loaded_at,
    from sources
    inner join source_state using (source_id)
)

select * from final
