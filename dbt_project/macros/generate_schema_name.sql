{#- Marts land in `main` (what analysts open); other layers in their own schema (staging, …). -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ custom_schema_name if custom_schema_name else target.schema }}
{%- endmacro %}
