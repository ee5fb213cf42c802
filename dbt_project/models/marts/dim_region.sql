-- Today's units of the cooperation's Land (valid_to null) plus Gemeinde keys that ended, each with the
-- key of today's territory it became part of (successor_ars), and the Kooperationsraum. Ended keys:
-- mergers from the region_changes seed (valid_to: last valid day) and keys of older Gebietsstände of the
-- region reference whose Gemeinde carries another key today (valid_to: the last Gebietsstand it was seen in).
with

regions as (
    select * from {{ ref('int_regions__hierarchy') }}
),

current_keys as (
    select * from {{ ref('int_regions__current_keys') }}
),

cooperation as (
    select * from {{ ref('stg_registry__cooperation') }}
),

seed as (
    select region_changes.ars, region_changes.name, region_changes.valid_to
    from {{ ref('region_changes') }} as region_changes
    inner join cooperation on starts_with(region_changes.ars, cooperation.land_key)
),

changes as (
    select * from seed
    union all
    select regions.ars, regions.name, regions.last_stand as valid_to
    from {{ ref('stg_reference__regions') }} as regions
    inner join cooperation on regions.land = cooperation.land_key
    where regions.level = 'gemeinde' and not regions.is_current and regions.successor_ars is not null
        and regions.ars not in (select ars from seed)
),

partners as (
    select * from {{ ref('stg_registry__partners') }}
),

units as (
    select * from {{ ref('int_regions__cooperation_units') }}
),

ended as (
    select
        changes.ars,
        changes.ars as ars_source,
        left(changes.ars, 5) || right(changes.ars, 3) as ags,
        changes.name,
        cast(null as varchar) as bez,
        'gemeinde' as level,
        successor.parent_ars,
        successor.kreis_ars,
        cast(null as date) as valid_from,
        changes.valid_to,
        current_keys.current_ars as successor_ars,
    from changes
    inner join current_keys on current_keys.ars = changes.ars
    inner join regions as successor on successor.ars = current_keys.current_ars
),

all_regions as (
    select
        *,
        cast(null as date) as valid_to,
        cast(null as varchar) as successor_ars,
    from regions
    union all by name
    select * from ended
),

final as (
    select
        all_regions.ars,
        all_regions.ars_source,
        all_regions.ags,
        all_regions.name,
        all_regions.bez,
        all_regions.level,
        all_regions.parent_ars,
        all_regions.kreis_ars,
        all_regions.valid_from,
        all_regions.valid_to,
        all_regions.successor_ars,
        partners.partner_id is not null as is_partner,
        partners.partner_id,
        partners.partner_name,
        units.unit_ars is not null as is_cooperation_unit,
    from all_regions
    left join partners on partners.partner_ars = all_regions.ars
    left join units on units.unit_ars = all_regions.ars
)

select * from final
