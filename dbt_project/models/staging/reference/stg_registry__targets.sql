-- Agreed targets (registry/targets.yml, exported by `regiohub transform`): one row per
-- indicator, optionally per partner.
with

source as (
    select * from {{ source('registry', 'targets') }}
),

renamed as (
    select
        cast(indicator_id as varchar) as indicator_id,
        cast(partner_id as varchar) as partner_id,
        cast(comparison as varchar) as comparison,
        cast(target_value as double) as target_value,
        cast(close_within_percent as double) as close_within_percent,
        cast(note as varchar) as note,
    from source
)

select * from renamed
