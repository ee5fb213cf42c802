-- Every Gemeinde key ever used (today's and ended ones) → the key of today's territory it lies in.
-- Ended keys come from the region reference (a Gemeinde that changed Amt keeps its AGS: its key at the
-- newest Gebietsstand is the successor) and from the region_changes seed (mergers, which no directory
-- states); chains (A → B → C) are followed up to four steps.
with

cooperation as (
    select * from {{ ref('stg_registry__cooperation') }}
),

-- mergers of the cooperation's Land (the seed may hold other Länder's too)
seed as (
    select region_changes.ars, region_changes.successor_ars
    from {{ ref('region_changes') }} as region_changes
    inner join cooperation on starts_with(region_changes.ars, cooperation.land_key)
),

from_reference as (
    select regions.ars, regions.successor_ars
    from {{ ref('stg_reference__regions') }} as regions
    inner join cooperation on regions.land = cooperation.land_key
    where regions.level = 'gemeinde' and not regions.is_current
        and regions.successor_ars is not null
        and regions.ars not in (select ars from seed)
),

changes as (
    select * from seed
    union all
    select * from from_reference
),

-- today's Gemeinden (a kreisfreie Stadt is one too, although the hierarchy shows it as Kreis)
gemeinden as (
    select distinct regions.ars
    from {{ ref('stg_reference__regions') }} as regions
    inner join cooperation on regions.land = cooperation.land_key
    where regions.level = 'gemeinde' and regions.is_current
),

resolved as (
    select
        step1.ars,
        coalesce(
            step4.successor_ars, step3.successor_ars,
            step2.successor_ars, step1.successor_ars
        ) as current_ars,
    from changes as step1
    left join changes as step2 on step2.ars = step1.successor_ars
    left join changes as step3 on step3.ars = step2.successor_ars
    left join changes as step4 on step4.ars = step3.successor_ars
),

final as (
    select ars, ars as current_ars, false as is_ended,
    from gemeinden
    where ars not in (select ars from changes)
    union all
    select ars, current_ars, true as is_ended,
    from resolved
)

select * from final
