-- Water level per gauge and Europe/Berlin calendar day (natural grain of the water domain).
with

daily as (
    select * from {{ ref('int_water_levels__daily') }}
),

final as (
    select
        gauge_number,
        gauge_name,
        water_name,
        day,
        mean_cm,
        min_cm,
        max_cm,
        n_values,
        region_ars,
        load_ids as source_load_ids,
    from daily
)

select * from final
