{#- A day as a decimal year (1 January 2026 = 2026.0), so growth rates are annual for years and days alike. -#}
{% macro decimal_year(day) -%}
    (year({{ day }}) + (dayofyear({{ day }}) - 1) / 365.25)
{%- endmacro %}
