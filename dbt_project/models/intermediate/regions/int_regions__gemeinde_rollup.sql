-- For every Gemeinde, each region it counts towards (itself, its Amt, its Kreis, the
-- Kooperationsraum if its Kreis is a cooperation unit, the Land), once. Sums over this table never
-- count a kreisfreie Stadt twice, although its Gemeinde, Amt and Kreis keys coincide, and never
-- count a partner Gemeinde twice towards the Kooperationsraum.
with

regions as (
    select * from {{ ref('int_regions__hierarchy') }}
),

units as (
    select * from {{ ref('int_regions__cooperation_units') }}
),

gemeinden as (
    select ars_source as gemeinde_ars from {{ ref('stg_bkg__gemeinden') }}
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
    select gemeinde_ars, '120000000000' from gemeinden
),

final as (
    select pairs.gemeinde_ars, pairs.region_ars, regions.level as region_level,
    from pairs
    inner join regions on regions.ars = pairs.region_ars
)

select * from final
