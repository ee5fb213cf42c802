-- For every Gemeinde, each region it counts towards (itself, its Amt, its Kreis, the
-- Kooperationsraum if its Kreis is a cooperation unit, the Land), once. Sums over this table never
-- count a kreisfreie Stadt twice, although its Gemeinde, Amt and Kreis keys coincide, and never
-- count a partner Gemeinde twice towards the Kooperationsraum. A key that ended (is_ended) counts
-- towards the regions of the Gemeinde it became part of: values located under an old key (e.g. by
-- boundaries of an older Gebietsstand) are not lost; completeness counts today's keys only.
with

regions as (
    select * from {{ ref('int_regions__hierarchy') }}
),

units as (
    select * from {{ ref('int_regions__cooperation_units') }}
),

cooperation as (
    select * from {{ ref('stg_registry__cooperation') }}
),

current_keys as (
    select * from {{ ref('int_regions__current_keys') }}
),

gemeinden as (
    select current_ars as gemeinde_ars from current_keys where not is_ended
),

pairs as (
    select gemeinde_ars, gemeinde_ars as region_ars from gemeinden
    union
    select gemeinde_ars, rpad(left(gemeinde_ars, 9), 12, '0') from gemeinden
    union
    select gemeinde_ars, rpad(left(gemeinde_ars, 5), 12, '0') from gemeinden
    union
    select gemeinden.gemeinde_ars, units.cooperation_ars
    from gemeinden
    inner join units
        on units.unit_ars = rpad(left(gemeinden.gemeinde_ars, 5), 12, '0')
    union
    select gemeinden.gemeinde_ars, cooperation.land_ars
    from gemeinden
    cross join cooperation
),

today as (
    select pairs.gemeinde_ars, pairs.region_ars, regions.level as region_level, false as is_ended,
    from pairs
    inner join regions on regions.ars = pairs.region_ars
),

ended as (
    select current_keys.ars as gemeinde_ars, today.region_ars, today.region_level, true as is_ended,
    from current_keys
    inner join today on today.gemeinde_ars = current_keys.current_ars
    where current_keys.is_ended
),

final as (
    select * from today
    union all
    select * from ended
)

select * from final
