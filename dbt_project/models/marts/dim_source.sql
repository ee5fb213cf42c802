with

sources as (
    select * from {{ ref('stg_registry__sources') }}
),

final as (
    select
        source_id,
        name,
        domain,
        publisher,
        licence,
        licence_url,
        attribution,
        is_sample,
        last_load_id,
        last_loaded_at,
    from sources
)

select * from final
