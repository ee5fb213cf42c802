select * from {{ ref('int_water_levels__daily') }}
