-- Targets (registry/targets.yml, exported by `regiohub transform`): one row per indicator,
-- optionally per partner; with base and target period and whether it is agreed or proposed.
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
        cast(agreement as varchar) as agreement,
        cast(base_period as varchar) as base_period,
        cast(base_period_start as date) as base_period_start,
        cast(target_period as varchar) as target_period,
        cast(target_period_start as date) as target_period_start,
    from source
)

select * from renamed
