with

catalogue as (
    select * from {{ ref('indicator_catalogue') }}
),

final as (
    select
        indicator_id,
        name_de,
        domain,
        unit,
        definition_de,
        source_id,
        period_type,
        direction,
    from catalogue
)

select * from final
