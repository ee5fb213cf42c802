-- All indicator values of every domain in one shape: region, indicator, period, numerator,
-- denominator, value and the loads they come from — for the regions of the cooperation (its Land's
-- units and the Kooperationsraum): a place-bound configuration of another region (a station's seed row,
-- a site parameter) publishes nothing outside them.
with

population as (
    select * from {{ ref('int_indicators__population') }}
),

mobility as (
    select * from {{ ref('int_indicators__mobility') }}
),

water as (
    select * from {{ ref('int_indicators__water') }}
),

health as (
    select * from {{ ref('int_indicators__health') }}
),

transit as (
    select * from {{ ref('int_indicators__transit') }}
),

climate as (
    select * from {{ ref('int_indicators__climate') }}
),

physicians as (
    select * from {{ ref('int_indicators__physicians') }}
),

wastewater as (
    select * from {{ ref('int_indicators__wastewater') }}
),

regions as (
    select ars from {{ ref('int_regions__hierarchy') }}
),

unioned as (
    select * from population
    union all by name select * from mobility
    union all by name select * from water
    union all by name select * from health
    union all by name select * from transit
    union all by name select * from climate
    union all by name select * from physicians
    union all by name select * from wastewater
),

final as (
    select * from unioned
    where region_ars in (select ars from regions)
)

select * from final
