with

regions as (
    select * from {{ ref('int_regions__hierarchy') }}
),

partners as (
    select * from {{ ref('stg_registry__partners') }}
),

final as (
    select
        regions.ars,
        regions.ars_source,
        regions.ags,
        regions.name,
        regions.bez,
        regions.level,
        regions.parent_ars,
        regions.kreis_ars,
        regions.valid_from,
        partners.partner_id is not null as is_partner,
        partners.partner_id,
        partners.partner_name,
    from regions
    left join partners on partners.partner_ars = regions.ars
)

select * from final
