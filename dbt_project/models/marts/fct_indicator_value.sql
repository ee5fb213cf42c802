-- One value per region, indicator and period, from every source; the joint indicator table.
with

population as (
    select * from {{ ref('int_population__by_region') }}
),

charging as (
    select * from {{ ref('int_charging_points__by_region_year') }}
),

water as (
    select * from {{ ref('int_water_levels__daily') }}
),

incidence as (
    select * from {{ ref('stg_rki__incidence') }}
),

regions as (
    select * from {{ ref('int_regions__hierarchy') }}
),

partners as (
    select * from {{ ref('stg_registry__partners') }}
),

sources as (
    select * from {{ ref('stg_registry__sources') }}
),

census_population as (
    select region_ars, population from population
    where reference_date = (select max(reference_date) from population)
),

population_values as (
    select
        region_ars,
        'bevoelkerung' as indicator_id,
        strftime(reference_date, '%Y-%m-%d') as period,
        reference_date as period_start,
        reference_date as period_end,
        cast(population as double) as value,
    from population
),

charging_values as (
    select
        region_ars,
        unnest(['ladepunkte', 'schnellladepunkte']) as indicator_id,
        cast(year as varchar) as period,
        make_date(year, 1, 1) as period_start,
        make_date(year, 12, 31) as period_end,
        cast(unnest([charging_points, coalesce(fast_charging_points, 0)]) as double) as value,
    from charging
),

charging_rates as (
    select
        charging.region_ars,
        'ladepunkte_je_10000_ew' as indicator_id,
        cast(charging.year as varchar) as period,
        make_date(charging.year, 1, 1) as period_start,
        make_date(charging.year, 12, 31) as period_end,
        round(charging.charging_points / census_population.population * 10000, 2) as value,
    from charging
    inner join census_population using (region_ars)
    where charging.year >= 2022
),

-- partners monitor the water level at their reference gauge
water_values as (
    select
        partners.partner_ars as region_ars,
        unnest(['wasserstand_tagesmittel', 'wasserstand_tagesmax']) as indicator_id,
        strftime(water.day, '%Y-%m-%d') as period,
        water.day as period_start,
        water.day as period_end,
        cast(unnest([water.mean_cm, water.max_cm]) as double) as value,
    from partners
    inner join water on water.gauge_number = partners.reference_gauge_number
),

incidence_kreise as (
    select incidence.*
    from incidence
    inner join regions on regions.ars = incidence.kreis_ars and regions.level = 'kreis'
),

-- the Land rate is recomputed from cases and population, never averaged
incidence_land as (
    select
        '120000000000' as kreis_ars,
        report_date,
        sum(cases_7_days) as cases_7_days,
        round(sum(cases_7_days) / sum(population) * 100000, 1) as incidence_7_days,
    from incidence_kreise
    group by report_date
),

incidence_values as (
    select
        kreis_ars as region_ars,
        unnest(['inzidenz_7_tage', 'faelle_7_tage']) as indicator_id,
        strftime(report_date, '%Y-%m-%d') as period,
        report_date as period_start,
        report_date as period_end,
        cast(unnest([incidence_7_days, cases_7_days]) as double) as value,
    from (
        select kreis_ars, report_date, cases_7_days, incidence_7_days from incidence_kreise
        union all
        select kreis_ars, report_date, cases_7_days, incidence_7_days from incidence_land
    )
),

all_values as (
    select * from population_values
    union all select * from charging_values
    union all select * from charging_rates
    union all select * from water_values
    union all select * from incidence_values
),

final as (
    select
        all_values.region_ars,
        all_values.indicator_id,
        all_values.period,
        all_values.period_start,
        all_values.period_end,
        all_values.value,
        catalogue.unit,
        catalogue.source_id,
        sources.is_sample,
    from all_values
    inner join {{ ref('dim_indicator') }} as catalogue using (indicator_id)
    inner join sources using (source_id)
)

select * from final
